/// A ministry's permit at one revision, always sent whole: MARD's phytosanitary import permit,
/// MOH's food-safety import permit, and the next ministry's. Each ministry's spec maps its own
/// statuses to the `decision`s below and says, as constant values, who issues the permit, which
/// licence type it is to customs and how the ministry numbers its revisions.
public struct Permit: CanonicalRecord {
    public static let recordName = "Permit"

    /// What a revision decides, in the hub's words.
    public enum Decision: String, Sendable {
        /// Issued (revision 0), or — where the ministry re-issues rather than amends — re-issued.
        case granted = "GRANTED"
        case amended = "AMENDED"
        case revoked = "REVOKED"
        /// The application was refused: the permit never existed.
        case refused = "REFUSED"
    }

    public var permitNumber: String
    public var revision: Int
    /// A `Decision`'s raw value, mapped by the spec from the ministry's own status.
    public var decision: String
    /// The ministry's own status (`ISSUED`, `CANCELLED`, `AMENDED` …), for the timeline.
    public var permitStatus: String
    /// The authority customs-core knows (`MARD`, `MOH`) and the licence type of the permit.
    public var issuingAuthority: String
    public var licenceType: String
    /// The decision by which this ministry changes a permit it issued: `GRANTED` when it re-issues
    /// the permit at the next revision (MARD), `AMENDED` when it amends it (MOH).
    public var amendedBy: String
    /// The revision a revocation carries: `SAME` as the permit it revokes (MARD) or the `NEXT` (MOH).
    public var revocationRevision: String
    public var holder: Trader
    public var issueDate: String
    public var validFrom: String?
    public var validUntil: String?
    public var goods: [Line]
    public var reason: String?
    public var decidedAt: String?
    /// The declaration the permit was issued for, when it was issued for one already declared.
    public var declarationReference: String?

    public struct Line: Codable, Sendable, Hashable {
        public var lineNo: Int
        public var hsCode: String
        public var description: String
        public var quantity: DecimalNumber
        public var unit: String
    }

    public var decided: Decision? { Decision(rawValue: decision) }
}

/// A MARD border inspection result of one consignment (`qrtn_result`).
public struct QuarantineResult: CanonicalRecord {
    public static let recordName = "QuarantineResult"

    public var permitNumber: String
    public var consignmentReference: String
    public var declarationNumber: String?
    public var billOfLading: String?
    public var inspectionSite: String
    public var inspectionDate: String
    /// `PASS`, `FAIL` or `TREATMENT_REQUIRED`.
    public var result: String
    public var pestsFound: [Pest]?
    public var treatment: Treatment?
    public var certificateNumber: String?
    public var officer: String
    public var decidedAt: String

    public struct Pest: Codable, Sendable, Hashable {
        public var scientificName: String
        public var description: String
    }

    public struct Treatment: Codable, Sendable, Hashable {
        public var method: String
        public var instructions: String
    }
}
