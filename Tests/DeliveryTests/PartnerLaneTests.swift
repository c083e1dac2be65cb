import Delivery
import Foundation
import GatewayCore
import Store
import Testing
import TestSupport

/// A partner that hangs holds only its own lane: another partner's messages keep flowing.
@Suite struct PartnerLaneTests {
    /// Two partners: each message goes to the server of its partner; the hanging one is waited
    /// for longer than the test lasts, so its lane holds its slots throughout.
    struct TwoPartners: DeliveryPlan {
        let urls: [String: String]
        var receivers: [String] { urls.keys.sorted() }

        func request(for message: StoredMessage) -> HTTPPoster.Request? {
            urls[message.partner].map {
                HTTPPoster.Request(url: $0, contentType: "application/json", body: message.body, connectTimeout: 2,
                                   totalTimeout: message.partner == "hanging" ? 40 : 5)
            }
        }

        func retryDelay(for message: StoredMessage, afterAttempt attempt: Int, elapsed: TimeInterval) -> TimeInterval? { 60 }

        func consequences(of outcome: DeliveryOutcome, for message: StoredMessage, at time: Date) async throws(GatewayError) -> DeliveryConsequences {
            DeliveryConsequences()
        }
    }

    static func accept(_ index: Int, to partner: String, in store: GatewayStore) async throws -> String {
        let now = Date()
        let inbound = StoredMessage(id: "in-\(partner)-\(index)", direction: .inbound, partner: "sender", messageType: "sender/Message",
                                    idempotencyKey: "\(partner)-\(index)", body: Array("in \(index)".utf8), contentType: "application/json",
                                    status: .accepted, createdAt: now)
        let outbound = StoredMessage(id: "out-\(partner)-\(index)", direction: .outbound, partner: partner, messageType: "\(partner)/Message",
                                     idempotencyKey: "out-\(partner)-\(index)", body: Array("{\"n\":\(index)}".utf8),
                                     contentType: "application/json", businessKey: "object-\(partner)-\(index)", status: .pending,
                                     causedBy: inbound.id, createdAt: now)
        _ = try await store.accept(inbound, producing: [outbound])
        return outbound.id
    }

    @Test func aHangingPartnerDoesNotDelayAnother() async throws {
        let hanging = try await FakePartner.start(answering: [202], delay: .seconds(30))
        defer { hanging.stop() }
        let healthy = try await FakePartner.start(answering: [202])
        defer { healthy.stop() }
        let store = try await GatewayStore.open(.sqlite(path: temporaryDirectory("lanes") + "/gateway.sqlite"))
        let plan = TwoPartners(urls: ["hanging": hanging.url, "healthy": healthy.url])
        let threads = DeliveryThreads(count: OutboxWorker.threads(for: plan, perPartner: 4))
        defer { threads.stop() }
        let worker = OutboxWorker(store: store, plan: plan, threads: threads, perPartner: 4, lease: 30)

        // More messages for the hanging partner than its lane has slots, all due at once.
        for index in 0..<20 { _ = try await Self.accept(index, to: "hanging", in: store) }
        let delivering = Task { await worker.run(interval: .milliseconds(200)) }
        defer { delivering.cancel() }
        var healthyIds: [String] = []
        let started = ContinuousClock.now
        for index in 0..<40 {
            healthyIds.append(try await Self.accept(index, to: "healthy", in: store))
            worker.wake()
            try await Task.sleep(for: .milliseconds(100))
        }
        for _ in 0..<50 where healthy.deliveries.count < healthyIds.count {
            try await Task.sleep(for: .milliseconds(100))
        }
        let seconds = (ContinuousClock.now - started) / .seconds(1)

        // The partner has the last request a moment before the worker records its attempt.
        var delays: [Double] = []
        for _ in 0..<30 {
            delays = []
            for id in healthyIds {
                guard let message = try await store.message(id), let attempt = try await store.attempts(of: id).last else { continue }
                let delivered = attempt.startedAt.addingTimeInterval(Double(attempt.durationMilliseconds) / 1000)
                delays.append(delivered.timeIntervalSince(message.createdAt))
            }
            if delays.count == healthyIds.count { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        delays.sort()
        let p99 = delays.isEmpty ? .infinity : delays[min(delays.count - 1, Int(Double(delays.count) * 0.99))]
        let hangingAttempts = hanging.deliveries.count
        print("partner lanes: hanging partner held \(hangingAttempts) requests (lane of 4); healthy partner \(delays.count) of \(healthyIds.count) delivered in \(String(format: "%.1f", seconds)) s, delay p50 \(String(format: "%.3f", delays.isEmpty ? 0 : delays[delays.count / 2])) s, p99 \(String(format: "%.3f", p99)) s, max \(String(format: "%.3f", delays.last ?? 0)) s")
        #expect(delays.count == healthyIds.count, "every message of the healthy partner was delivered")
        #expect(p99 < 1, "the healthy partner's p99 delivery delay")
        #expect(hangingAttempts <= 4, "the hanging partner never holds more than its lane's slots")
        await store.close()
    }
}
