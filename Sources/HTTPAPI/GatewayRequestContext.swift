import Access
import Hummingbird
import NIOCore

/// The request context of every route: Hummingbird's core, the caller once a role gate checked
/// its credential, and the client's address for the per-address limits.
public struct GatewayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `RoleGate`; nil on open routes (health, partner inbox, sign-in).
    public var caller: Caller?
    /// The peer's IP address ("unknown" for a Unix socket or a test client).
    public let clientAddress: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }
}
