import Access
import Hummingbird
import NIOCore
import NIOSSL
import Signatures

/// The request context of every route: Hummingbird's core, the caller once a role gate checked
/// its credential, and the client's address for the per-address limits.
public struct GatewayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `RoleGate`; nil on open routes (health, partner inbox, sign-in).
    public var caller: Caller?
    /// The peer's IP address ("unknown" for a Unix socket or a test client).
    public let clientAddress: String
    private let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
        channel = source.channel
    }

    /// The client certificate of a mutual TLS connection, verified against `--client-ca` in the
    /// handshake; nil over plain HTTP or TLS without one.
    func clientCertificate() async -> SignerIdentity? {
        guard let presented = try? await channel.nioSSL_peerCertificate().get(), let der = try? presented.toDERBytes(),
              let certificate = try? Certificate(der: der) else { return nil }
        return SignerIdentity(certificate)
    }
}
