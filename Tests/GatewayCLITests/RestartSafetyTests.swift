import Foundation
import Store
import Testing
import TestSupport

/// `gateway serve` killed with SIGKILL in the middle of a backlog loses nothing it accepted: at
/// the next start every queued message is delivered, with the bytes that were stored.
@Suite struct RestartSafetyTests {
    /// A running `gateway serve` on a free port, its output in a file.
    final class Server {
        let process = Process()
        let port = FreePort.next()

        init(database: String, moitURL: String, arguments: [String] = []) throws {
            process.executableURL = URL(fileURLWithPath: GatewayBinary.path)
            process.arguments = ["serve", "--port", String(port), "--database", database] + arguments
            process.currentDirectoryURL = URL(fileURLWithPath: RepositoryPaths.root)
            process.environment = ProcessInfo.processInfo.environment.merging(["GATEWAY_PARTNER_MOIT_URL": moitURL]) { $1 }
            let log = temporaryDirectory("serve") + "/serve.log"
            FileManager.default.createFile(atPath: log, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            process.standardError = process.standardOutput
            try process.run()
        }

        func waitUntilHealthy() async throws {
            for _ in 0..<200 {
                if get("/health").status == 200 { return }
                try await Task.sleep(for: .milliseconds(100))
            }
            Issue.record("gateway serve did not become healthy")
        }

        /// A request with curl, each bounded in time (FoundationNetworking's URLSession can leave an
        /// async request unanswered for good, which would hold the whole suite).
        private func request(_ path: String, _ arguments: [String], input: [UInt8]? = nil) -> (status: Int, body: Data) {
            let result = Command.run("curl", ["--silent", "--max-time", "20", "--write-out", "\n%{http_code}"] + arguments
                                        + ["http://127.0.0.1:\(port)\(path)"], input: input)
            let output = result.outputBytes
            guard let newline = output.lastIndex(of: UInt8(ascii: "\n")) else { return (0, Data()) }
            return (Int(String(decoding: output[(newline + 1)...], as: UTF8.self)) ?? 0, Data(output[..<newline]))
        }

        func get(_ path: String) -> (status: Int, body: Data) { request(path, []) }

        func post(_ body: [UInt8], as partner: String) async throws -> Int {
            try await answer(body, as: partner).status
        }

        func answer(_ body: [UInt8], as partner: String) async throws -> (status: Int, body: Data) {
            request("/v1/partners/\(partner)/messages", ["--request", "POST", "--data-binary", "@-"], input: body)
        }

        func kill(_ signal: Int32) {
            Foundation.kill(process.processIdentifier, signal)
            process.waitUntilExit()
        }
    }

    static func application(_ index: Int) throws -> [UInt8] {
        let root = RepositoryPaths.root
        let text = String(decoding: read(root + "/MessageSpecs/customs-core/ImportApplication.v2/samples/ImportApplication-01.json"), as: UTF8.self)
            .replacingOccurrences(of: "a5f477c5-a93c-4854-a334-1ce63fb8f111", with: UUID().uuidString.lowercased())
            .replacingOccurrences(of: "IA-2025-000418", with: String(format: "IA-2025-%06d", 100 + index))
        let key = root + "/Certificates/demo/customs-core/key.pem", certificate = root + "/Certificates/demo/customs-core/cert.pem"
        let signed = Command.run(GatewayBinary.path, ["sign", "--key", key, "--cert", certificate, "-"], input: Array(text.utf8))
        guard signed.status == 0 else { throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: signed.standardError]) }
        return signed.outputBytes
    }

    @Test func aKilledGatewayDeliversItsBacklogAfterRestart() async throws {
        let database = "sqlite:" + temporaryDirectory("restart") + "/gateway.sqlite"
        // MOIT hangs: the first gateway holds the deliveries in flight when it is killed.
        let hanging = try await FakePartner.start(answering: [202], delay: .seconds(30))
        defer { hanging.stop() }
        let first = try Server(database: database, moitURL: hanging.url)
        try await first.waitUntilHealthy()
        var bodies: [[UInt8]] = []
        for index in 0..<12 {
            let body = try Self.application(index)
            bodies.append(body)
            #expect(try await first.post(body, as: "customs-core") == 202)
        }
        try await Task.sleep(for: .milliseconds(300))
        first.kill(SIGKILL)

        let moit = try await FakePartner.start(answering: [202])
        defer { moit.stop() }
        let second = try Server(database: database, moitURL: moit.url)
        try await second.waitUntilHealthy()
        for _ in 0..<150 where moit.deliveries.count < 12 {
            try await Task.sleep(for: .milliseconds(100))
        }
        second.kill(SIGTERM)
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
        #expect(try await store.verifyAudit().isIntact)
        await store.close()
    }
}
