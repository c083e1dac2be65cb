/// MOIT's decision on an application: approved (with the licence), rejected, or a request to supplement.
public struct LicenceDecision: CanonicalRecord {
    public static let recordName = "LicenceDecision"

    /// The authority that decides, as customs-core knows it (`MOIT`): a constant of the ministry's spec.
    public var issuingAuthority: String
    public var applicationId: String
    /// An `Outcome`'s raw value.
    public var decision: String
    public var licenceNumber: String?
    public var issueDate: String?
    public var validFrom: String?
    public var validUntil: String?
    public var approvedLines: [ApprovedLine]?
    public var reason: String?
    public var officerName: String
    public var decisionTime: String

    public enum Outcome: String, Sendable {
        case approved = "APPROVED"
        case rejected = "REJECTED"
        case supplementRequired = "SUPPLEMENT_REQUIRED"
    }

    public var outcome: Outcome? { Outcome(rawValue: decision) }

    public struct ApprovedLine: Codable, Sendable, Hashable {
        public var lineNo: Int
        public var hsCode: String
        public var approvedQuantity: DecimalNumber
        public var unit: String
    }
}

/// MOIT's amendment of an approved licence: a new validity end, new quantities for some lines, or both.
public struct LicenceAmendment: CanonicalRecord {
    public static let recordName = "LicenceAmendment"

    public var licenceNumber: String
    public var amendmentNo: Int
    public var effectiveDate: String
    public var newValidUntil: String?
    public var amendedLines: [AmendedLine]?
    public var reason: String
    public var officerName: String

    public struct AmendedLine: Codable, Sendable, Hashable {
        public var lineNo: Int
        public var hsCode: String
        public var newApprovedQuantity: DecimalNumber
        public var unit: String
    }
}

/// MOIT's revocation of a licence by a Minister's decision.
public struct LicenceRevocation: CanonicalRecord {
    public static let recordName = "LicenceRevocation"

    public var licenceNumber: String
    public var revocationDecisionNo: String
    public var reason: String
    public var effectiveTime: String
    public var officerName: String
}
