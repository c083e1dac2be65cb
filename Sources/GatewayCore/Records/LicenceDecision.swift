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

extension LicenceDecision: RecordValueCoding {
    public init(fields: inout RecordFields) throws(RecordValueError) {
        self.init(issuingAuthority: try fields.string("issuingAuthority"), applicationId: try fields.string("applicationId"),
                  decision: try fields.string("decision"), licenceNumber: try fields.string(ifPresent: "licenceNumber"),
                  issueDate: try fields.string(ifPresent: "issueDate"), validFrom: try fields.string(ifPresent: "validFrom"),
                  validUntil: try fields.string(ifPresent: "validUntil"), approvedLines: try fields.records(ifPresent: "approvedLines"),
                  reason: try fields.string(ifPresent: "reason"), officerName: try fields.string("officerName"),
                  decisionTime: try fields.string("decisionTime"))
    }

    public func write(to fields: inout RecordFieldWriter) {
        fields.add("issuingAuthority", issuingAuthority)
        fields.add("applicationId", applicationId)
        fields.add("decision", decision)
        fields.add("licenceNumber", licenceNumber)
        fields.add("issueDate", issueDate)
        fields.add("validFrom", validFrom)
        fields.add("validUntil", validUntil)
        fields.add("approvedLines", approvedLines)
        fields.add("reason", reason)
        fields.add("officerName", officerName)
        fields.add("decisionTime", decisionTime)
    }
}

extension LicenceDecision.ApprovedLine: RecordValueCoding {
    public init(fields: inout RecordFields) throws(RecordValueError) {
        self.init(lineNo: try fields.int("lineNo"), hsCode: try fields.string("hsCode"),
                  approvedQuantity: try fields.decimal("approvedQuantity"), unit: try fields.string("unit"))
    }

    public func write(to fields: inout RecordFieldWriter) {
        fields.add("lineNo", lineNo)
        fields.add("hsCode", hsCode)
        fields.add("approvedQuantity", approvedQuantity)
        fields.add("unit", unit)
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
