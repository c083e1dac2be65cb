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
