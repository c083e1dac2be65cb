import Delivery
import Foundation
import GatewayCore
import Hub
import Store
import Synchronization
import Testing
import TestSupport

/// A clock the test moves forward.
final class MovableClock: GatewayClock {
    private let current = Mutex(Date())
    func now() -> Date { current.withLock { $0 } }
    func set(_ date: Date) { current.withLock { $0 = date } }
}

/// World §1.5 EXPIRED: driven by the gateway's clock, the day after `validUntil` in Viet Nam;
/// an amendment extending the validity returns the licence to its status before.
@Suite struct LicenceExpiryTests {
    typealias G = FlowGateway

    @Test func aLicencePastItsValidityExpiresAndAnExtensionRevivesIt() async throws {
        let partners = try await FakePartner.start(answering: [202])
        defer { partners.stop() }
        let clock = MovableClock()
        let gateway = try await G.start(endpoints: ["moit": partners, "customs-core": partners], clock: clock)
        let expiry = LicenceExpiry(runtime: gateway.pipeline.runtime)
        for (partner, body) in [
            ("customs-core", try G.signed("customs-core/ImportApplication.v2/samples/ImportApplication-01.json", by: "customs-core")),
            ("moit", try G.signed("moit/LicenceDecision.v1/samples/LicenceDecision-01.xml", by: "moit")),
            ("customs-core", try G.signed("customs-core/LicenceUsage.v2/samples/LicenceUsage-01.json", by: "customs-core")),
        ] {
            #expect(await gateway.pipeline.receive(from: partner, body).status == 202)
            try await gateway.deliverAll()
        }
        let status = { @Sendable in try await gateway.status(.application, "IA-2025-000418") }
        // Valid until 2025-08-31: on the last day it is still valid, the next day it is expired.
        clock.set(try #require(ISO8601DateFormatter().date(from: "2025-08-31T23:59:00+07:00")))
        #expect(try await expiry.sweep().isEmpty)
        #expect(try await status() == "IN_USE")
        clock.set(try #require(ISO8601DateFormatter().date(from: "2025-09-01T00:00:00+07:00")))
        #expect(try await expiry.sweep() == ["00125/2025/GPNK-BCT"])
        #expect(try await status() == "EXPIRED")
        #expect(try await expiry.sweep().isEmpty, "a status is entered once")

        // The clock back to today (the demo certificates are valid now) for MOIT's extension to 2027.
        clock.set(Date())
        let extension2027 = try G.signed("moit/LicenceAmendment.v1/samples/LicenceAmendment-01.xml", by: "moit",
                                         changing: [("<NewValidUntil>2025-10-31</NewValidUntil>", "<NewValidUntil>2027-10-31</NewValidUntil>")])
        #expect(await gateway.pipeline.receive(from: "moit", extension2027).status == 202)
        #expect(try await status() == "IN_USE", "back to the status before expiry")
        clock.set(try #require(ISO8601DateFormatter().date(from: "2027-11-01T00:00:00+07:00")))
        #expect(try await expiry.sweep() == ["00125/2025/GPNK-BCT"])
        #expect(try await status() == "EXPIRED")

        // A revoked licence does not expire.
        clock.set(Date())
        #expect(await gateway.pipeline.receive(from: "moit", try G.signed("moit/LicenceRevocation.v1/samples/LicenceRevocation-01.xml", by: "moit")).status == 202)
        #expect(try await status() == "REVOKED")
        clock.set(try #require(ISO8601DateFormatter().date(from: "2028-01-01T00:00:00+07:00")))
        #expect(try await expiry.sweep().isEmpty)
        #expect(try await status() == "REVOKED")
        await gateway.store.close()
    }

    /// The world's flow 1 chain (§4) at its own dates, as `gateway serve --simulated-time` runs
    /// it: the demo signatures verify in 2025, every step is followed by an expiry sweep, and the
    /// licence expires the day after its amended validity, then is revoked.
    @Test func theWorldsExampleChainReplaysAtItsOwnDatesWithExpiryOn() async throws {
        let partners = try await FakePartner.start(answering: [202])
        defer { partners.stop() }
        let february = try #require(SimulatedClock(startingAt: "2025-02-25T09:00:00+07:00"))
        let gateway = try await G.start(endpoints: ["moit": partners, "customs-core": partners], clock: february)
        let expiry = LicenceExpiry(runtime: gateway.pipeline.runtime)
        for (partner, sample) in [
            ("customs-core", "customs-core/ImportApplication.v2/samples/ImportApplication-01.json"),
            ("moit", "moit/LicenceDecision.v1/samples/LicenceDecision-01.xml"),
            ("customs-core", "customs-core/LicenceUsage.v2/samples/LicenceUsage-01.json"),
            ("moit", "moit/LicenceAmendment.v1/samples/LicenceAmendment-01.xml"),
            ("moit", "moit/LicenceAmendment.v1/samples/LicenceAmendment-02.xml"),
        ] {
            let answer = await gateway.pipeline.receive(from: partner, try G.signed(sample, by: partner))
            #expect(answer.status == 202, "\(sample): \(String(decoding: answer.body, as: UTF8.self))")
            try await gateway.deliverAll()
            #expect(try await expiry.sweep().isEmpty, "nothing expires in February 2025")
        }
        // November 2025: the validity amended to 2025-10-31 is over; MOIT then revokes the licence.
        let november = try #require(SimulatedClock(startingAt: "2025-11-01T00:00:00+07:00"))
        let later = try InboundPipeline(specs: G.specs, partners: gateway.pipeline.partners, store: gateway.store,
                                        receiptSigner: try G.signer("gateway"), clock: november)
        #expect(try await LicenceExpiry(runtime: later.runtime).sweep() == ["00125/2025/GPNK-BCT"])
        #expect(await later.receive(from: "moit", try G.signed("moit/LicenceRevocation.v1/samples/LicenceRevocation-01.xml", by: "moit")).status == 202)
        let worker = OutboxWorker(store: gateway.store, plan: PartnerDeliveryPlan(runtime: later.runtime), threads: G.threads, clock: november, lease: 60)
        while try await worker.deliverDue() > 0 {}

        let records = partners.deliveries.filter { (try? G.members($0.body)["messageType"] as? String) == "LicenceRecord" }
        #expect(records.count == 4)
        for (index, record) in records.enumerated() {
            try G.expectSameMembers(record.body, as: "customs-core/LicenceRecord.v2/samples/LicenceRecord-0\(index + 1).json", except: ["messageId", "sentAt"])
            #expect((try G.members(record.body)["sentAt"] as? String)?.hasPrefix("2025-") == true, "the records are stamped with the simulated time")
        }
        let timeline = try #require(try await gateway.store.timeline(kind: .application, key: "IA-2025-000418"))
        var entered: [String] = []
        for event in timeline.events where entered.last != event.status?.rawValue { entered.append(event.status?.rawValue ?? "") }
        #expect(entered == ["APPLIED", "APPROVED", "DELIVERED_TO_CUSTOMS", "IN_USE", "EXPIRED", "REVOKED"])
        await gateway.store.close()
    }
}
