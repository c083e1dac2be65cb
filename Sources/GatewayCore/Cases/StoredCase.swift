/// A case as the store keeps it: its status, its typed facts and the version that every change
/// increments. A step reads it, decides, and hands back a `CaseUpdate` made against that version.
public struct StoredCase: Sendable, Equatable {
    public let kind: CaseKind
    public let key: String
    public let status: CaseStatus?
    /// The case's facts as JSON (`LicenceFacts` of a licence or permit case); nil for kinds that keep none.
    public let facts: String?
    public let version: Int

    public init(kind: CaseKind, key: String, status: CaseStatus?, facts: String?, version: Int) {
        self.kind = kind
        self.key = key
        self.status = status
        self.facts = facts
        self.version = version
    }
}

/// The new state of a case, stored only if the case is still at `expectedVersion` (0: the case
/// has no facts yet, whether or not it exists), in the transaction of the message that caused it.
/// Facts nil leave the case's facts as they are (a change of status alone).
public struct CaseUpdate: Sendable, Equatable {
    public let kind: CaseKind
    public let key: String
    public let expectedVersion: Int
    public let status: CaseStatus?
    public let facts: String?
    /// Another number the case is found by: a licence's or permit's number, a tax notice's declaration.
    public let alias: String?
    /// The last day of validity while the licence can still expire (ISO date), else nil.
    public let validUntil: String?

    public init(kind: CaseKind, key: String, expectedVersion: Int, status: CaseStatus?, facts: String?,
                alias: String? = nil, validUntil: String? = nil) {
        self.kind = kind
        self.key = key
        self.expectedVersion = expectedVersion
        self.status = status
        self.facts = facts
        self.alias = alias
        self.validUntil = validUntil
    }
}

/// Something a case has counted once and must not count again (a declaration that drew on a
/// licence): stored with the message, refused by the store if it is there already.
public struct CaseItem: Sendable, Hashable {
    public let kind: CaseKind
    public let key: String
    public let item: String

    public init(kind: CaseKind, key: String, item: String) {
        self.kind = kind
        self.key = key
        self.item = item
    }
}
