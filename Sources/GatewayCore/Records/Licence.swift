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
