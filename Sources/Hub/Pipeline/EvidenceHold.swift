import Foundation
import GatewayCore
import Synchronization

/// Whether the gateway may take new messages while its evidence cannot be completed: set by the
/// time-stamping round when the authority has been unreachable beyond its grace period, read by
/// every message before its body (X-Road's rule: no new message whose log cannot be time-stamped).
public final class EvidenceHold: Sendable {
    private let reason = Mutex<String?>(nil)

    public init() {}

    public func hold(because why: String) { reason.withLock { $0 = why } }

    public func release() { reason.withLock { $0 = nil } }

    /// Why messages are refused now; nil while they are taken.
    public var holding: String? { reason.withLock { $0 } }

    func check() throws(GatewayError) {
        if let why = holding { throw GatewayError(.timeStampUnavailable, why) }
    }
}
