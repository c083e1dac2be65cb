/// The revocation data the gateway fetches, shared by every partner's trust (one responder, one
/// distribution point serves many): what `RevocationRefresh` keeps current.
public final class RevocationCaches: Sendable {
    public let distributionPoints: DistributionPointCRLs
    public let ocsp: OCSPResponses

    public init(timing: OCSPResponses.Timing = OCSPResponses.Timing()) {
        distributionPoints = DistributionPointCRLs(retry: timing.retry)
        ocsp = OCSPResponses(timing: timing)
    }
}
