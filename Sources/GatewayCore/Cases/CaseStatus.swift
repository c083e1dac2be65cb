/// The statuses a case can have: world §1.5's vocabulary for licence and permit cases and for
/// outbound certificates of origin, EXHAUSTED and EXPIRED where the world's rules lead there,
/// and the outcomes the hub records for tax notices, payments and inbound ASEAN documents.
public enum CaseStatus: String, Sendable, Codable, CaseIterable {
    case applied = "APPLIED"
    case supplementRequired = "SUPPLEMENT_REQUIRED"
    case approved = "APPROVED"
    case rejected = "REJECTED"
    case deliveredToCustoms = "DELIVERED_TO_CUSTOMS"
    case inUse = "IN_USE"
    case exhausted = "EXHAUSTED"
    case expired = "EXPIRED"
    case revoked = "REVOKED"
    /// Outbound certificates of origin.
    case forwarded = "FORWARDED"
    case partnerAccepted = "PARTNER_ACCEPTED"
    case partnerRejected = "PARTNER_REJECTED"
    case notRoutable = "NOT_ROUTABLE"
    /// Tax notices: waiting for a payment, then settled by one.
    case open = "OPEN"
    case settled = "SETTLED"
    /// Payments and inbound ASEAN documents: the verdict given.
    case received = "RECEIVED"
    case accepted = "ACCEPTED"

    /// A licence or permit case that no later message can change (world §1.5: REJECTED and REVOKED are final).
    public var isFinal: Bool { self == .rejected || self == .revoked }
}
