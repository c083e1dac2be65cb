import Foundation

/// What one source knows of a certificate's revocation.
public enum RevocationStatus: Sendable, Equatable {
    case good(source: String)
    case revoked(at: Date, source: String)
    /// The source has no usable answer now: why (no CRL of the issuer, an out-of-date CRL, the
    /// responder down, a stale or badly signed response).
    case unknown(String)
}

/// Where a certificate's revocation status comes from: the trust directory's CRLs, CRLs fetched
/// from the certificates' distribution points, OCSP. A source answers from what it holds: a
/// verification never waits on the network (`RevocationRefresh` fetches in the background).
public protocol RevocationSource: Sendable {
    /// What the source says of `certificate`, issued by `issuer`, at `time`; nil when it does not
    /// serve this certificate (no CRL of its issuer, no OCSP responder named in it).
    func status(of certificate: Certificate, issuer: Certificate, at time: Date) -> RevocationStatus?
}

/// A partner file's `revocation.mode`: what a status no source can give (`unknown`) means.
public enum RevocationMode: String, Sendable, CaseIterable {
    /// Refused with `REVOCATION_STATUS_UNKNOWN` (the partner sends again later).
    case hard
    /// Accepted, and the gateway logs that the status was unknown.
    case soft
}
