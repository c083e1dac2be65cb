import Foundation
import Testing
import TestSupport

/// The OpenAPI document is valid OpenAPI 3.1 (an independent validator), served as the repository
/// keeps it, and the live gateway answers as it says: schemathesis generates requests for every
/// route (good and bad parameters, with and without data behind them) and checks each answer's
/// status, Content-Type, headers and body against the document.
@Suite struct OpenAPIContractTests {
    static let document = RepositoryPaths.root + "/openapi.json"

    /// The tools of the virtual environment scripts/test makes.
    static func tool(_ name: String) -> String? {
        guard let python = ProcessInfo.processInfo.environment["GATEWAY_TEST_PYTHON"] else { return nil }
        let path = (python as NSString).deletingLastPathComponent + "/" + name
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    @Test(.enabled(if: tool("openapi-spec-validator") != nil, "openapi-spec-validator in the virtual environment scripts/test makes"))
    func theDocumentIsValidOpenAPI() throws {
        let result = Command.run(try #require(Self.tool("openapi-spec-validator")), [Self.document])
        #expect(result.status == 0 && result.standardOutput.contains("OK"), "\(result.standardOutput) \(result.standardError)")
        let members = try #require(try JSONSerialization.jsonObject(with: Data(read(Self.document))) as? [String: Any])
        #expect(members["openapi"] as? String == "3.1.0")
        let version = Command.run(GatewayBinary.path, ["--version"]).standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(version.hasSuffix(" " + ((members["info"] as? [String: Any])?["version"] as? String ?? "none")), "the document's version is the gateway's: \(version)")
        print("openapi-spec-validator: \(result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines))")
    }

    @Test(.enabled(if: tool("schemathesis") != nil, "schemathesis in the virtual environment scripts/test makes"))
    func theLiveGatewayAnswersAsTheDocumentSays() async throws {
        let moit = try await FakePartner.start(answering: [202])
        defer { moit.stop() }
        let server = try ServeProcess(database: "sqlite:" + temporaryDirectory("contract") + "/gateway.sqlite", moitURL: moit.url)
        defer { server.signal(SIGTERM) }
        try await server.waitUntilHealthy()
        #expect(await server.get("/openapi.json").body == Data(read(Self.document)), "served as the repository keeps it")

        let application = try ServeProcess.application(7)
        #expect(try await server.post(application, as: "customs-core") == 202)
        // The application goes on to MOIT: an outbound message with a delivery attempt and MOIT's answer.
        var outbound: String?
        for _ in 0..<100 where outbound == nil {
            let page = await server.get("/v1/admin/messages?direction=outbound&status=DELIVERED", headers: ["Authorization: Bearer \(TestAccess.operatorToken)"])
            let members = try JSONSerialization.jsonObject(with: page.body) as? [String: Any]
            outbound = ((members?["messages"] as? [[String: Any]])?.first)?["id"] as? String
            if outbound == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        let message = try #require(outbound, "the application was delivered to MOIT")

        // `filter_too_much` is the generator's own health check, not a check of the gateway: now and
        // then it gave up on the partner route (whose path and body few random values fit) and
        // failed the run with every answer conforming.
        let arguments = ["300", try #require(Self.tool("schemathesis")),
                         "--config-file", RepositoryPaths.root + "/Tests/Contract/schemathesis.toml", "run", server.url("/openapi.json"),
                         "--phases", "examples,coverage,fuzzing", "--workers", "2", "--no-color", "--suppress-health-check", "filter_too_much"]
        let environment = ["GATEWAY_CONTRACT_TOKEN": TestAccess.operatorToken, "GATEWAY_CONTRACT_MESSAGE": message,
                           "GATEWAY_CONTRACT_APPLICATION": "IA-2025-000107"]
        let result = await Blocking.run { Command.run("timeout", arguments, environment: environment) }
        let summary = result.standardOutput.split(separator: "\n").filter { $0.contains("Tested:") || $0.contains(" generated, ") }
        #expect(result.status == 0, "\(result.standardOutput.suffix(6000)) \(result.standardError.suffix(2000))")
        print("schemathesis against gateway serve: \(summary.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "; "))")
    }
}
