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
}
