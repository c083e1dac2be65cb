import Foundation
import SQLiteKit
import Store
import Testing
import TestSupport

/// The seals `gateway serve` makes are time-stamped by an RFC 3161 authority (`openssl ts
/// -reply` on loopback) in batches; `gateway audit verify --tsa-certificate` checks the tokens
/// and finds a removed or altered one; while the authority does not answer the gateway goes on
/// for its grace period, then answers 503 `TIMESTAMP_UNAVAILABLE` until the authority is back.
@Suite struct AuditTimeStampTests {
    static func stampedStore(_ authority: TestTimeStampAuthority) async throws -> String {
        let path = temporaryDirectory("stamped") + "/gateway.sqlite"
        let server = try ServeProcess(database: "sqlite:" + path, arguments: ["--tsa-url", authority.url, "--tsa-certificate", authority.caCertificate])
        try await server.waitUntilHealthy()
        for index in 0..<3 { #expect(try await server.post(try ServeProcess.application(80 + index), as: "customs-core") == 202) }
        await server.stop(SIGTERM)
        let log = try String(contentsOfFile: server.log, encoding: .utf8)
        #expect(log.contains("Audit seals time-stamped"), "\(log)")
        return path
    }

    static func verify(_ path: String, _ authority: TestTimeStampAuthority) async -> Command.Result {
        await Blocking.run {
            Command.run(GatewayBinary.path, ["audit", "verify", "--database", "sqlite:\(path)", "--tsa-certificate", authority.caCertificate], in: RepositoryPaths.root)
        }
    }

    @Test func aServedStoreIsTimeStampedAndTheTokensHold() async throws {
        let authority = try await TestTimeStampAuthority.start()
        defer { authority.stop() }
        let path = try await Self.stampedStore(authority)
        let result = await Self.verify(path, authority)
        print("audit verify: \(result.standardOutput)")
        #expect(result.status == 0 && result.standardOutput.contains("seals time-stamped in 1 batches by CN=Test TSA tsa"), "\(result.standardOutput) \(result.standardError)")
        #expect(authority.granted == 1)
    }

    @Test func aRemovedTimeStampIsFound() async throws {
        let authority = try await TestTimeStampAuthority.start()
        defer { authority.stop() }
        let path = try await Self.stampedStore(authority)
        try await AuditSealTests.sql(path) { db in try await db.raw("DELETE FROM audit_timestamps").run() }
        let result = await Self.verify(path, authority)
        #expect(result.status == 1 && result.standardOutput.contains("no stored time-stamp covers it: its time-stamp was removed"), "\(result.standardOutput) \(result.standardError)")
    }

    @Test func anAlteredTokenIsFound() async throws {
        let authority = try await TestTimeStampAuthority.start()
        defer { authority.stop() }
        let path = try await Self.stampedStore(authority)
        try await AuditSealTests.sql(path) { db in
            let row = try #require(try await db.raw("SELECT imprint, token FROM audit_timestamps").first())
            var token = Array(Data(base64Encoded: try row.decode(column: "token", as: String.self))!)
            token[token.count - 10] ^= 0x01
            try await db.raw("UPDATE audit_timestamps SET token = \(bind: Data(token).base64EncodedString())").run()
        }
        let result = await Self.verify(path, authority)
        #expect(result.status == 1 && result.standardOutput.contains("does not hold"), "\(result.standardOutput) \(result.standardError)")
    }

    @Test func withoutTheAuthorityBeyondTheGracePeriodMessagesWait() async throws {
        let authority = try await TestTimeStampAuthority.start()
        defer { authority.stop() }
        authority.answering(.refusing)
        let path = temporaryDirectory("grace") + "/gateway.sqlite"
        let server = try ServeProcess(database: "sqlite:" + path, arguments: [
            "--tsa-url", authority.url, "--tsa-certificate", authority.caCertificate, "--tsa-grace", "3", "--seal-every", "0.5",
        ])
        try await server.waitUntilHealthy()
        let started = ContinuousClock.now
        var accepted = 0, refused = 0
        #expect(try await server.post(try ServeProcess.application(90), as: "customs-core") == 202)
        accepted += 1
        // Within the grace period messages are taken; after it, each is refused until the authority answers.
        var held: (status: Int, body: Data)?
        for index in 0..<60 {
            let answer = try await server.answer(try ServeProcess.application(91 + index), as: "customs-core")
            if answer.status == 503 { held = answer; refused += 1; break }
            #expect(answer.status == 202)
            accepted += 1
            try await Task.sleep(for: .milliseconds(250))
        }
        let body = String(decoding: held?.body ?? Data(), as: UTF8.self)
        #expect(held?.status == 503 && body.contains("TIMESTAMP_UNAVAILABLE") && body.contains("send the message again"), "\(body)")
        #expect(await server.get("/ready").status == 503)
        #expect(await server.get("/health").status == 200)
        let heldAfter = ContinuousClock.now - started
        authority.answering(.honest)
        var reopened = false
        for _ in 0..<40 {
            try await Task.sleep(for: .milliseconds(250))
            if await server.get("/ready").status == 200 { reopened = true; break }
        }
        #expect(reopened)
        #expect(try await server.post(try ServeProcess.application(190), as: "customs-core") == 202)
        accepted += 1
        print("time-stamp grace: accepted \(accepted), refused \(refused) (held after \(heldAfter)), reopened after \(ContinuousClock.now - started), granted \(authority.granted)")
        await server.stop(SIGTERM)
        let log = try String(contentsOfFile: server.log, encoding: .utf8)
        #expect(log.contains("beyond the grace period") && log.contains("time-stamped again"), "\(log)")
        let result = await Self.verify(path, authority)
        #expect(result.status == 0, "\(result.standardOutput) \(result.standardError)")
    }
}
