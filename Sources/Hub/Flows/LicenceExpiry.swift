import Foundation
import GatewayCore
import Store

/// World §1.5: a licence or permit is EXPIRED once the day after its `validUntil` has begun in
/// Viet Nam and it was not revoked. Driven by the gateway's clock — injectable, so tests and
/// replays decide the day. Nothing is sent: customs-core applies validity itself. A sweep reads
/// only the cases whose validity ended (one indexed lookup), not every licence's history.
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
        for stored in try await context.store.casesValid(until: today) {
            let licenceCase = try LicenceCase(kind: stored.kind, key: stored.key, stored: stored)
            guard let facts = licenceCase.facts,
                  let transition = LicenceLifecycle.expire(status: licenceCase.status, facts: facts, today: today) else { continue }
            let number = facts.record.licenceNumber
            let outcome = try licenceCase.outcome(transition, number: number, businessKey: nil, partner: "gateway", signer: nil, context: context)
            do {
                try await context.store.append(outcome.events, updates: outcome.updates, at: context.now)
                expired.append(number)
            } catch where error.code == .caseChanged {
                // A message changed the licence meanwhile; the next sweep looks again.
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
