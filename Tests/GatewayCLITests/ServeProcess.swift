import Foundation
import Hub
import Signatures
import Testing
import TestSupport

/// A running `gateway serve` of this build on a free port, its output in a file.
/// Its requests may come from several threads at once; the process handle is only signalled.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    let port = FreePort.next()
    private let directory = temporaryDirectory("serve")
    /// Its standard output and error.
    var log: String { directory + "/serve.log" }

    init(database: String, moitURL: String = "http://127.0.0.1:9/unused", arguments: [String] = [], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: GatewayBinary.path)
        process.arguments = ["serve", "--port", String(port), "--database", database,
                             "--credentials", try TestAccess.file(in: directory), "--session-key", directory + "/session.key"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: RepositoryPaths.root)
        process.environment = ProcessInfo.processInfo.environment.merging(["GATEWAY_PARTNER_MOIT_URL": moitURL]) { $1 }.merging(environment) { $1 }
        FileManager.default.createFile(atPath: log, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardError = process.standardOutput
        try process.run()
    }

    func waitUntilHealthy() async throws {
        for _ in 0..<200 {
            if await get("/health").status == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("gateway serve did not become healthy")
    }

    /// A request with curl, each bounded in time (FoundationNetworking's URLSession can leave an
    /// async request unanswered for good, which would hold the whole suite).
    private func request(_ path: String, _ arguments: [String], input: [UInt8]? = nil) -> (status: Int, body: Data) {
        let result = Command.run("curl", ["--silent", "--max-time", "20", "--write-out", "\n%{http_code}"] + arguments
                                    + [url(path)], input: input)
        let output = result.outputBytes
        guard let newline = output.lastIndex(of: UInt8(ascii: "\n")) else { return (0, Data()) }
        return (Int(String(decoding: output[(newline + 1)...], as: UTF8.self)) ?? 0, Data(output[..<newline]))
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    func get(_ path: String, headers: [String] = []) async -> (status: Int, body: Data) {
        await Blocking.run { self.request(path, headers.flatMap { ["--header", $0] }) }
    }

    func post(_ body: [UInt8], as partner: String) async throws -> Int {
        try await answer(body, as: partner).status
    }

    func answer(_ body: [UInt8], as partner: String) async throws -> (status: Int, body: Data) {
        await Blocking.run { self.answerNow(body, as: partner) }
    }

    /// A partner's POST from a thread of the caller's (blocking).
    func answerNow(_ body: [UInt8], as partner: String) -> (status: Int, body: Data) {
        request("/v1/partners/\(partner)/messages",
                ["--request", "POST", "--header", "Content-Type: \(MediaTypes.of(signed: body))", "--data-binary", "@-"], input: body)
    }

    /// Sends `signal` and waits for the process to end.
    func stop(_ signal: Int32) async {
        Foundation.kill(process.processIdentifier, signal)
        await Blocking.run { self.process.waitUntilExit() }
    }

    /// Sends `signal` without waiting (a `defer`, when the test ended early): a stopped gateway
    /// ends by itself within its stop timeout.
    func signal(_ signal: Int32) {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, signal)
    }

    /// A customs-core ImportApplication with its own id and number, signed by customs-core's demo key.
    static func application(_ index: Int) throws -> [UInt8] {
        let root = RepositoryPaths.root
        let text = String(decoding: read(root + "/MessageSpecs/customs-core/ImportApplication.v2/samples/ImportApplication-01.json"), as: UTF8.self)
            .replacingOccurrences(of: "a5f477c5-a93c-4854-a334-1ce63fb8f111", with: UUID().uuidString.lowercased())
            .replacingOccurrences(of: "IA-2025-000418", with: String(format: "IA-2025-%06d", 100 + index))
        let folder = root + "/Certificates/demo/customs-core"
        let signer = try MessageSigner(keyFile: "\(folder)/key.pem", certificateFile: "\(folder)/cert.pem", chainFile: "\(folder)/chain.pem")
        return try signer.sign(Array(text.utf8))
    }
}
