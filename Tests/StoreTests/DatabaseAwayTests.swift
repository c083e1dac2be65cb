import Foundation
import LocalPostgres
import GatewayCore
import Store
import Testing
import TestSupport

/// The store while its PostgreSQL server is away: calls fail at once as unavailable (a 503 to
/// the sender, no internal text), and work again by themselves once the server is back.
@Suite(.serialized) struct DatabaseAwayTests {
    @Test func callsFailAsUnavailableWhileTheDatabaseIsAwayAndWorkWhenItIsBack() async throws {
        let postgres = try await Blocking.run { try TestPostgres.start() }
        defer { postgres.stop() }
        let store = try await GatewayStore.open(.postgres(url: postgres.url))
        _ = try await store.accept(StoreTests.inbound("before"), producing: [StoreTests.outbound("out-before", object: "licence/before")])
        #expect(await store.isReachable())

        try await Blocking.run { try postgres.pause() }
        let started = ContinuousClock.now
        var codes: [String] = []
        for index in 0..<3 {
            do {
                _ = try await store.accept(StoreTests.inbound("away-\(index)"), producing: [StoreTests.outbound("out-away-\(index)", object: "licence/away-\(index)")])
                codes.append("accepted")
            } catch {
                codes.append(error.code.rawValue)
            }
        }
        let failing = (ContinuousClock.now - started) / .seconds(1)
        #expect(codes == Array(repeating: "STORE_UNAVAILABLE", count: 3), "\(codes)")
        #expect(!(await store.isReachable()))

        try await Blocking.run { try postgres.resume() }
        let back = ContinuousClock.now
        var recovered: Double?
        for _ in 0..<100 {
            if (try? await store.accept(StoreTests.inbound("after"), producing: [StoreTests.outbound("out-after", object: "licence/after")])) != nil {
                recovered = (ContinuousClock.now - back) / .seconds(1)
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        print("store with its database away: 3 calls answered \(codes) in \(String(format: "%.1f", failing)) s; working again \(recovered.map { String(format: "%.2f", $0) } ?? "never") s after the database was back")
        #expect(recovered != nil)
        let claimed = try await store.claimDeliveries(worker: "w", now: Date(), lease: 30, limit: 10)
        #expect(claimed.count == 2, "the messages stored before and after are due")
        let verification = try await store.verifyAudit()
        #expect(verification.isIntact, "\(verification.summary)")
        await store.close()
    }
}
