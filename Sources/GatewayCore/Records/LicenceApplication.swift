/// An import licence application filed by a trader on the portal, for MOIT
/// (customs-core `ImportApplication`, MOIT `ImportLicenceApplication`).
public struct LicenceApplication: CanonicalRecord {
    public static let recordName = "LicenceApplication"

    public var applicationId: String
    public var submissionNo: Int
    public var filedAt: String
    /// `AUTO_IMPORT`, `QUOTA` or `PRECURSOR`.
    public var licenceType: String
    public var applicant: Trader
    public var requestedValidFrom: String
    public var requestedValidUntil: String
    public var goodsLines: [GoodsLine]
    public var remarks: String?

    public struct GoodsLine: Codable, Sendable, Hashable {
        public var lineNo: Int
        public var hsCode: String
        public var description: String
        public var quantity: DecimalNumber
        public var unit: String
        public var value: DecimalNumber
        public var currency: String
        public var originCountry: String
    }
}

extension LicenceApplication: RecordValueCoding {
    public init(fields: inout RecordFields) throws(RecordValueError) {
        self.init(applicationId: try fields.string("applicationId"), submissionNo: try fields.int("submissionNo"),
                  filedAt: try fields.string("filedAt"), licenceType: try fields.string("licenceType"),
                  applicant: try fields.record("applicant"), requestedValidFrom: try fields.string("requestedValidFrom"),
                  requestedValidUntil: try fields.string("requestedValidUntil"), goodsLines: try fields.records("goodsLines"),
                  remarks: try fields.string(ifPresent: "remarks"))
    }

    public func write(to fields: inout RecordFieldWriter) {
        fields.add("applicationId", applicationId)
        fields.add("submissionNo", submissionNo)
        fields.add("filedAt", filedAt)
        fields.add("licenceType", licenceType)
        fields.add("applicant", applicant)
        fields.add("requestedValidFrom", requestedValidFrom)
        fields.add("requestedValidUntil", requestedValidUntil)
        fields.add("goodsLines", goodsLines)
        fields.add("remarks", remarks)
    }
}

extension LicenceApplication.GoodsLine: RecordValueCoding {
    public init(fields: inout RecordFields) throws(RecordValueError) {
        self.init(lineNo: try fields.int("lineNo"), hsCode: try fields.string("hsCode"), description: try fields.string("description"),
                  quantity: try fields.decimal("quantity"), unit: try fields.string("unit"), value: try fields.decimal("value"),
                  currency: try fields.string("currency"), originCountry: try fields.string("originCountry"))
    }

    public func write(to fields: inout RecordFieldWriter) {
        fields.add("lineNo", lineNo)
        fields.add("hsCode", hsCode)
        fields.add("description", description)
        fields.add("quantity", quantity)
        fields.add("unit", unit)
        fields.add("value", value)
        fields.add("currency", currency)
        fields.add("originCountry", originCountry)
    }
}
