import Foundation
import Testing
import TestSupport

/// `gateway serve --simulated-time`: a test environment's gateway whose clock starts in the
/// world's 2025 and runs forward — it says so on `/health`, verifies the demo partners' 2025
/// signatures and writes 2025 into what it stamps.
@Suite struct SimulatedTimeTests {
    @Test func aGatewayOnASimulatedClockSaysSoAndStampsItsTime() async throws {
        let moit = try await FakePartner.start(answering: [202])
        defer { moit.stop() }
        let database = "sqlite:" + temporaryDirectory("simulated") + "/gateway.sqlite"
        let server = try ServeProcess(database: database, moitURL: moit.url,
                                                   arguments: ["--simulated-time", "2025-02-25T09:00:00+07:00"])
        defer { server.signal(SIGTERM) }
        try await server.waitUntilHealthy()
        let health = await server.get("/health").body
        let status = try #require(try JSONSerialization.jsonObject(with: health) as? [String: String])
        #expect(status["status"] == "ok")
        #expect(status["warning"]?.contains("simulated clock started at 2025-02-25T09:00:00+07:00") == true, "\(status)")

        let (code, receipt) = try await server.answer(try ServeProcess.application(900), as: "customs-core")
        #expect(code == 202)
        let payload = String(decoding: receipt, as: UTF8.self).split(separator: ".").dropFirst().first.map(String.init) ?? ""
        let padded = payload.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            + String(repeating: "=", count: (4 - payload.count % 4) % 4)
        let json = try #require(Data(base64Encoded: padded))
        let members = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect((members["receivedAt"] as? String)?.hasPrefix("2025-02-25T09:00") == true, "\(members)")
    }

    @Test func aSimulatedTimeThatIsNoTimeIsRefused() {
        let result = Command.run(GatewayBinary.path, ["serve", "--simulated-time", "yesterday"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("--simulated-time takes an ISO 8601 time"), "\(result.standardError)")
    }
}
