import Delivery
import Foundation
import GatewayCore
import Hub
import MessageSpecs
import Signatures
import Store
import Synchronization
import Testing
import TestSupport

/// A clock the test moves forward, so that retries come due without waiting.
final class SteppingClock: GatewayClock {
    private let current = Mutex(Date())
    func now() -> Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// The outbox delivered with libcurl to partner servers on 127.0.0.1: identical bytes on every
/// attempt, retries with the partner's policy, dead letters, replays, statuses set on delivery.
@Suite struct OutboxDeliveryTests {
    static let root = RepositoryPaths.root
    static let specs: SpecRegistry = {
        do { return try SpecRegistry(directory: root + "/MessageSpecs") } catch { preconditionFailure("\(error)") }
    }()
    static let threads = DeliveryThreads(count: 4)

    struct Setup {
        let store: GatewayStore
        let pipeline: InboundPipeline
        let worker: OutboxWorker
        let clock: SteppingClock
    }

    /// A gateway whose MOIT endpoint is `moitURL`, with an application from customs-core accepted.
    static func setup(moitURL: String) async throws -> Setup {
        let partners = try PartnerRegistry(directory: root + "/Partners", specs: specs, environment: ["GATEWAY_PARTNER_MOIT_URL": moitURL])
        let store = try await GatewayStore.open(.sqlite(path: temporaryDirectory("delivery") + "/gateway.sqlite"))
        let folder = root + "/Certificates/demo/"
        let signer = try MessageSigner(keyFile: folder + "gateway/key.pem", certificateFile: folder + "gateway/cert.pem")
        let clock = SteppingClock()
        let pipeline = try InboundPipeline(specs: specs, partners: partners, store: store, receiptSigner: signer, clock: clock)
        let worker = OutboxWorker(store: store, plan: PartnerDeliveryPlan(runtime: pipeline.runtime), threads: threads, clock: clock, lease: 60)
        let application = try MessageSigner(keyFile: folder + "customs-core/key.pem", certificateFile: folder + "customs-core/cert.pem")
            .sign(read(root + "/MessageSpecs/customs-core/ImportApplication.v2/samples/ImportApplication-01.json"))
        let answer = await pipeline.receive(from: "customs-core", application)
        #expect(answer.status == 202, "\(String(decoding: answer.body, as: UTF8.self))")
        return Setup(store: store, pipeline: pipeline, worker: worker, clock: clock)
    }

    static func outboundApplication(_ store: GatewayStore) async throws -> StoredMessage {
        try #require(try await store.messages(direction: .outbound).first)
    }

    @Test func aRefusedAttemptIsRetriedWithTheIdenticalBytesThenDelivered() async throws {
        let moit = try await FakePartner.start(answering: [503, 500, 202])
        defer { moit.stop() }
        let setup = try await Self.setup(moitURL: moit.url)
        let message = try await Self.outboundApplication(setup.store)

        #expect(try await setup.worker.deliverDue() == 1)
        #expect(try await setup.store.outboxState(of: message.id) == .pending)
        #expect(try await setup.worker.deliverDue() == 0, "the retry waits for its delay")
        setup.clock.advance(40)
        #expect(try await setup.worker.deliverDue() == 1)
        setup.clock.advance(80)
        #expect(try await setup.worker.deliverDue() == 1)

        #expect(try await setup.store.outboxState(of: message.id) == .delivered)
        #expect(moit.deliveries.count == 3)
        #expect(moit.deliveries.allSatisfy { $0.body == message.body }, "every attempt sends the stored bytes")
        #expect(moit.deliveries.first?.contentType == "application/xml; charset=utf-8")
        let attempts = try await setup.store.attempts(of: message.id)
        #expect(attempts.map(\.httpStatus) == [503, 500, 202])
        #expect(attempts.map(\.outcome) == ["retry", "retry", "delivered"])
        let timeline = try #require(try await setup.store.timeline(kind: .application, key: "IA-2025-000418"))
        #expect(timeline.status?.rawValue == "APPLIED")
        await setup.store.close()
    }

    @Test func aFinalRefusalIsNotRetried() async throws {
        let moit = try await FakePartner.start(answering: [409])
        defer { moit.stop() }
        let setup = try await Self.setup(moitURL: moit.url)
        let message = try await Self.outboundApplication(setup.store)
        try await setup.worker.deliverDue()
        #expect(try await setup.store.outboxState(of: message.id) == .failed)
        setup.clock.advance(3600)
        #expect(try await setup.worker.deliverDue() == 0)
        #expect(try await setup.store.attempts(of: message.id).first?.error?.contains("HTTP 409") == true)
        #expect(try await setup.store.timeline(kind: .application, key: "IA-2025-000418")?.status == nil, "no APPLIED without MOIT's 202")
        await setup.store.close()
    }

    @Test func aPartnerThatNeverAnswersEndsInTheDeadLetters() async throws {
        // Nothing listens on this port: every attempt is a connection error.
        let closed = try ClosedPort()
        let setup = try await Self.setup(moitURL: closed.url)
        let message = try await Self.outboundApplication(setup.store)
        var rounds = 0
        while try await setup.store.outboxState(of: message.id) != .dead && rounds < 200 {
            try await setup.worker.deliverDue()
            setup.clock.advance(16 * 60)
            rounds += 1
        }
        #expect(try await setup.store.outboxState(of: message.id) == .dead)
        let attempts = try await setup.store.attempts(of: message.id)
        #expect(attempts.last?.outcome == "dead-letter")
        #expect(attempts.allSatisfy { $0.httpStatus == nil })
        #expect(attempts.count > 50, "retried for the policy's 24 hours")
        await setup.store.close()
        withExtendedLifetime(closed) {}
    }

    @Test func aSlowPartnerIsATimeoutAndIsRetried() async throws {
        let moit = try await FakePartner.start(answering: [202], delay: .seconds(12))
        defer { moit.stop() }
        let setup = try await Self.setup(moitURL: moit.url)
        let message = try await Self.outboundApplication(setup.store)
        try await setup.worker.deliverDue()
        let attempt = try #require(try await setup.store.attempts(of: message.id).first)
        #expect(attempt.outcome == "retry")
        #expect(attempt.error?.hasPrefix("timeout") == true, "\(attempt.error ?? "")")
        await setup.store.close()
    }
}
