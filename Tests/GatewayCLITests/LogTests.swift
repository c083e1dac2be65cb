import Foundation
import Testing
import TestSupport

/// The log an operator follows: one JSON object per line with the message's ids, a line for every
/// message accepted, refused, delivered, retried or answered again, and for every case it changed.
@Suite struct LogTests {
    @Test func everyMessageLeavesAJSONLineWithItsIds() async throws {
        let moit = try await FakePartner.start(answering: [503, 202])
        defer { moit.stop() }
        let server = try ServeProcess(database: "sqlite:" + temporaryDirectory("log") + "/gateway.sqlite", moitURL: moit.url,
                                      arguments: ["--log-format", "json", "--log-level", "info"])
        defer { server.signal(SIGTERM) }
        try await server.waitUntilHealthy()
        let application = try ServeProcess.application(11)
        #expect(try await server.post(application, as: "customs-core") == 202)
        #expect(try await server.post(application, as: "customs-core") == 200)
        #expect(try await server.post(Array("{\"not\":\"signed\"}".utf8), as: "customs-core") == 401)
        // MOIT answers the first delivery 503 (its retry, after 30 s, is not waited for) and the second 202.
        for _ in 0..<100 where moit.deliveries.count < 1 { try await Task.sleep(for: .milliseconds(100)) }
        #expect(try await server.post(try ServeProcess.application(12), as: "customs-core") == 202)
        for _ in 0..<100 where moit.deliveries.count < 2 { try await Task.sleep(for: .milliseconds(100)) }
        await server.stop(SIGTERM)

        let text = try String(contentsOfFile: server.log, encoding: .utf8)
        let lines = text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        func line(_ message: String) -> [String: Any]? { lines.first { ($0["message"] as? String)?.hasPrefix(message) == true } }
        let accepted = try #require(line("Message accepted"), "\(text)")
        #expect(accepted["partner.id"] as? String == "customs-core" && accepted["message.type"] as? String == "customs-core/ImportApplication")
        #expect((accepted["message.id"] as? String)?.isEmpty == false && accepted["level"] as? String == "info")
        #expect(accepted["business.key"] as? String == "application/IA-2025-000111")
        #expect(line("Retransmission answered with the first receipt")?["message.id"] as? String == accepted["message.id"] as? String)
        let refused = try #require(line("Message refused"))
        #expect(refused["refusal.code"] as? String == "SIGNATURE_INVALID" && refused["http.status"] as? String == "401")
        let retried = try #require(line("Delivery failed, retried later"))
        #expect(retried["partner.id"] as? String == "moit" && retried["http.status"] as? String == "503")
        #expect(retried["correlation.id"] as? String == accepted["message.id"] as? String, "the delivery names the message that caused it")
        let changed = try #require(lines.first { $0["message"] as? String == "Case changed" && $0["case.kind"] as? String == "application" }, "\(text)")
        #expect(changed["case.key"] as? String == "IA-2025-000112" && changed["case.status"] as? String == "APPLIED", "MOIT took the application: \(changed)")
        #expect(changed["case.event"] is String && changed["message.id"] is String)
        #expect(line("Message delivered")?["partner.id"] as? String == "moit")
        print("JSON log: \(lines.count) lines, all JSON; accepted, answered again, refused, retried lines carry their ids")
        #expect(lines.count == text.split(separator: "\n").count, "every line is a JSON object")
    }
}
