import Foundation
import Store
import Testing
import TestSupport

/// `gateway serve` killed with SIGKILL in the middle of a backlog loses nothing it accepted: at
/// the next start every queued message is delivered, with the bytes that were stored.
@Suite struct RestartSafetyTests {
    @Test func aKilledGatewayDeliversItsBacklogAfterRestart() async throws {
        let database = "sqlite:" + temporaryDirectory("restart") + "/gateway.sqlite"
        // MOIT hangs: the first gateway holds the deliveries in flight when it is killed.
        let hanging = try await FakePartner.start(answering: [202], delay: .seconds(30))
        defer { hanging.stop() }
        // A short lease: the killed instance cannot hand its claims back, so they run out.
        let first = try ServeProcess(database: database, moitURL: hanging.url, arguments: ["--delivery-lease", "2"])
        try await first.waitUntilHealthy()
        var bodies: [[UInt8]] = []
        for index in 0..<12 {
            let body = try ServeProcess.application(index)
            bodies.append(body)
            #expect(try await first.post(body, as: "customs-core") == 202)
        }
        try await Task.sleep(for: .milliseconds(300))
        await first.stop(SIGKILL)

        let moit = try await FakePartner.start(answering: [202])
        defer { moit.stop() }
        let second = try ServeProcess(database: database, moitURL: moit.url, arguments: ["--delivery-lease", "2"])
        try await second.waitUntilHealthy()
        // Bounded by MOIT's retry delay (30 s): on a loaded machine the first gateway's attempts
        // may time out (10 s) before it is killed, and are then due only after that delay.
        for _ in 0..<450 where moit.deliveries.count < 12 {
            try await Task.sleep(for: .milliseconds(100))
        }
        await second.stop(SIGTERM)
        #expect(second.process.terminationReason == .exit, "SIGTERM stops the gateway gracefully")

        let location = try DatabaseLocation(database)
        let store = try await GatewayStore.open(location)
        let outbound = try await store.messages(direction: .outbound)
        #expect(outbound.count == 12, "every accepted application was queued")
        for message in outbound {
            let state = try await store.outboxState(of: message.id)
            let attempts = try await store.attempts(of: message.id)
            #expect(state == .delivered, "\(message.id): \(String(describing: state)) after \(attempts)")
            #expect(moit.deliveries.contains { $0.body == message.body }, "MOIT got the stored bytes of \(message.id)")
        }
        #expect(Set(moit.deliveries.map(\.body)).count == 12)
        let verification = try await store.verifyAudit()
        #expect(verification.isIntact, "\(verification.summary)")
        await store.close()
    }
}
