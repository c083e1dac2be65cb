import Foundation
import GatewayCore
import Store

/// World §1.5: a licence or permit is EXPIRED once the day after its `validUntil` has begun in
/// Viet Nam and it was not revoked. Driven by the gateway's clock — injectable, so tests and
/// replays decide the day. Nothing is sent: customs-core applies validity itself.
public struct LicenceExpiry: Sendable {
    let runtime: FlowRuntime

    public init(runtime: FlowRuntime) {
        self.runtime = runtime
    }

    /// Marks every licence whose validity is over; the numbers it marked.
    @discardableResult
    public func sweep() async throws(GatewayError) -> [String] {
        let context = runtime.context(at: runtime.clock.now())
        let today = VietnamTime.date(context.now)
        var expired: [String] = []
        for key in try await context.store.businessKeys(outbound: LicenceState.recordType) where key.hasPrefix("licence/") {
            let licence = try await LicenceState.load(String(key.dropFirst("licence/".count)), context: context)
            guard let current = licence.current, current.status == "ACTIVE", current.validUntil < today else { continue }
            let status = try await licence.status(context)
            guard let status, !["EXPIRED", "REVOKED", "REJECTED"].contains(status) else { continue }
            do {
                try await context.store.append(
                    [licence.event("expired", status: "EXPIRED", partner: "gateway", signer: nil, at: context.now,
                                   detail: "valid until \(current.validUntil)")],
                    conditions: [CaseCondition(kind: licence.caseKind, key: licence.caseKey, allowed: [status],
                                               refusal: GatewayError(Reconsider.code, "The licence changed; the next sweep looks again."))])
                expired.append(licence.number)
            } catch where error.code == Reconsider.code {
                continue
            }
        }
        return expired
    }

    /// Sweeps now and then every `interval` until cancelled.
    public func run(every interval: Duration = .seconds(60), onError: @Sendable (GatewayError) -> Void) async {
        while !Task.isCancelled {
            do { try await sweep() } catch { onError(error) }
            try? await Task.sleep(for: interval)
        }
    }
}
