/// What a partner is to the hub (its file's `kind`): the flows address roles, never partners;
/// the partner files say who plays which role and what each receives.
public enum PartnerRole: String, Sendable, CaseIterable {
    /// A ministry: the licensing authority for the licence types its file lists (`licenceTypes`),
    /// and the issuer of its own permits and certificates.
    case licensingAuthority = "ministry"
    /// A bank that collects duties and confirms payments.
    case bank
    /// The ASEAN single window of the member state its file names (`country`).
    case aseanNSW = "asean"
    /// The national customs clearance system.
    case customs

    /// `ministry, bank, asean or customs`.
    static var names: String {
        allCases.map(\.rawValue).dropLast().joined(separator: ", ") + " or " + customs.rawValue
    }
}
