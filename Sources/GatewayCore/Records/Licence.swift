/// The full current state of a licence or permit, as customs-core receives it (`LicenceRecord`):
/// each new version replaces the previous one.
public struct Licence: CanonicalRecord {
    public static let recordName = "Licence"

    public var licenceNumber: String
    /// The authority that issued it (`MOIT`, `MARD`, `MOH`).
    public var issuingAuthority: String
    public var licenceType: String
    public var applicationId: String?
    public var holderTaxCode: String
    public var holderName: String
    public var issueDate: String
    public var validFrom: String
    public var validUntil: String
    /// `ACTIVE` or `REVOKED` (`Licence.active`, `Licence.revoked`).
    public var status: String
    public var amendmentNo: Int
    public var recordVersion: Int
    public var revokedAt: String?
    public var revocationReason: String?
    public var revocationReference: String?
    public var goodsLines: [GoodsLine]

    /// The record statuses customs-core knows.
    public static let active = "ACTIVE", revoked = "REVOKED"
    public var isRevoked: Bool { status == Self.revoked }

    public struct GoodsLine: Codable, Sendable, Hashable {
        public var lineNo: Int
        public var hsCode: String
        public var description: String
        public var approvedQuantity: DecimalNumber
        public var unit: String

        public init(lineNo: Int, hsCode: String, description: String, approvedQuantity: DecimalNumber, unit: String) {
            self.lineNo = lineNo
            self.hsCode = hsCode
            self.description = description
            self.approvedQuantity = approvedQuantity
            self.unit = unit
        }
    }
}

extension Licence: RecordValueCoding {
    public init(fields: inout RecordFields) throws(RecordValueError) {
        self.init(licenceNumber: try fields.string("licenceNumber"), issuingAuthority: try fields.string("issuingAuthority"),
                  licenceType: try fields.string("licenceType"), applicationId: try fields.string(ifPresent: "applicationId"),
                  holderTaxCode: try fields.string("holderTaxCode"), holderName: try fields.string("holderName"),
                  issueDate: try fields.string("issueDate"), validFrom: try fields.string("validFrom"),
                  validUntil: try fields.string("validUntil"), status: try fields.string("status"),
                  amendmentNo: try fields.int("amendmentNo"), recordVersion: try fields.int("recordVersion"),
                  revokedAt: try fields.string(ifPresent: "revokedAt"), revocationReason: try fields.string(ifPresent: "revocationReason"),
                  revocationReference: try fields.string(ifPresent: "revocationReference"), goodsLines: try fields.records("goodsLines"))
    }

    public func write(to fields: inout RecordFieldWriter) {
        fields.add("licenceNumber", licenceNumber)
        fields.add("issuingAuthority", issuingAuthority)
        fields.add("licenceType", licenceType)
        fields.add("applicationId", applicationId)
        fields.add("holderTaxCode", holderTaxCode)
        fields.add("holderName", holderName)
        fields.add("issueDate", issueDate)
        fields.add("validFrom", validFrom)
        fields.add("validUntil", validUntil)
        fields.add("status", status)
        fields.add("amendmentNo", amendmentNo)
        fields.add("recordVersion", recordVersion)
        fields.add("revokedAt", revokedAt)
        fields.add("revocationReason", revocationReason)
        fields.add("revocationReference", revocationReference)
        fields.add("goodsLines", goodsLines)
    }
}

extension Licence.GoodsLine: RecordValueCoding {
    public init(fields: inout RecordFields) throws(RecordValueError) {
        self.init(lineNo: try fields.int("lineNo"), hsCode: try fields.string("hsCode"), description: try fields.string("description"),
                  approvedQuantity: try fields.decimal("approvedQuantity"), unit: try fields.string("unit"))
    }

    public func write(to fields: inout RecordFieldWriter) {
        fields.add("lineNo", lineNo)
        fields.add("hsCode", hsCode)
        fields.add("description", description)
        fields.add("approvedQuantity", approvedQuantity)
        fields.add("unit", unit)
    }
}

/// Quantities of a licence or permit drawn by a cleared declaration (customs-core `LicenceUsage`).
public struct LicenceUsage: CanonicalRecord {
    public static let recordName = "LicenceUsage"

    public var declarationNumber: String
    public var declarationDate: String
    public var licenceNumber: String
    public var usageLines: [UsageLine]

    public struct UsageLine: Codable, Sendable, Hashable {
        public var licenceLineNo: Int
        public var hsCode: String
        public var quantityUsed: DecimalNumber
        public var unit: String
    }
}
