import Access
import Foundation
import Testing
import TestSupport

/// An operator handing out credentials: tokens shown once and kept as hashes, page passwords from
/// standard input, a start without credentials refused off loopback and given demo ones on it.
@Suite struct CredentialsCommandTests {
    @Test func credentialsAreAddedWithTheirSecretsHashed() throws {
        let file = temporaryDirectory("credentials") + "/credentials.yaml"
        let added = Command.run(GatewayBinary.path, ["credentials", "add", "--file", file, "--name", "ops-lan", "--role", "operator"])
        #expect(added.status == 0, "\(added.standardError)")
        let token = try #require(added.standardOutput.split(separator: "\n").last.map(String.init))
        #expect(token.hasPrefix("swg_") && token.count > 40)
        let officer = Command.run(GatewayBinary.path, ["credentials", "add", "--file", file, "--name", "officer-huong", "--role", "officer",
                                                       "--password-stdin"], input: Array("a long page password\n".utf8))
        #expect(officer.status == 0, "\(officer.standardError)")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(!text.contains(token) && !text.contains("a long page password"), "only hashes are written")
        let permissions = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        let loaded = try Credentials.load(file, partners: [])
        #expect(loaded.caller(token: token)?.name == "ops-lan")
        #expect(loaded.caller(name: "officer-huong", password: "a long page password")?.role == .officer)

        let twice = Command.run(GatewayBinary.path, ["credentials", "add", "--file", file, "--name", "ops-lan", "--role", "operator"])
        #expect(twice.status != 0 && twice.standardError.contains("exists already"))
        let partner = Command.run(GatewayBinary.path, ["credentials", "add", "--file", file, "--name", "vcb", "--role", "partner"])
        #expect(partner.status != 0 && partner.standardError.contains("--partner"))
        let short = Command.run(GatewayBinary.path, ["credentials", "add", "--file", file, "--name", "x", "--role", "officer", "--password-stdin"],
                                input: Array("short\n".utf8))
        #expect(short.status != 0 && short.standardError.contains("at least 12 characters"))
    }

    @Test func aGatewayOffLoopbackDoesNotStartWithoutCredentials() {
        let directory = temporaryDirectory("no-credentials")
        let result = Command.run(GatewayBinary.path, ["serve", "--host", "0.0.0.0", "--port", String(FreePort.next()), "--allow-plain-http",
                                                      "--database", "sqlite:\(directory)/gateway.sqlite",
                                                      "--credentials", "\(directory)/credentials.yaml", "--session-key", "\(directory)/session.key"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("There is no credentials file at \(directory)/credentials.yaml"), "\(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: "\(directory)/credentials.yaml"))
    }

    @Test func aGatewayOnLoopbackMakesDemoCredentialsAndPrintsThem() async throws {
        let directory = temporaryDirectory("demo-credentials")
        let port = FreePort.next()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: GatewayBinary.path)
        process.arguments = ["serve", "--port", String(port), "--database", "sqlite:\(directory)/gateway.sqlite",
                             "--credentials", "\(directory)/credentials.yaml", "--session-key", "\(directory)/session.key"]
        process.currentDirectoryURL = URL(fileURLWithPath: RepositoryPaths.root)
        FileManager.default.createFile(atPath: "\(directory)/out", contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(directory)/out"))
        process.standardError = process.standardOutput
        try process.run()
        defer { process.terminate() }
        var output = ""
        for _ in 0..<100 where !output.contains("Demo officer") {
            try await Task.sleep(for: .milliseconds(100))
            output = (try? String(contentsOfFile: "\(directory)/out", encoding: .utf8)) ?? ""
        }
        let line = try #require(output.split(separator: "\n").first { $0.contains("Demo operator demo-operator") })
        let token = try #require(line.split(separator: " ").last.map(String.init))
        let metrics = await Blocking.run {
            Command.run("curl", ["--silent", "--max-time", "10", "--write-out", "%{http_code}", "--output", "/dev/null",
                                 "--header", "Authorization: Bearer \(token)", "http://127.0.0.1:\(port)/metrics"])
        }
        #expect(metrics.standardOutput == "200")
        let anonymous = await Blocking.run {
            Command.run("curl", ["--silent", "--max-time", "10", "--write-out", "%{http_code}", "--output", "/dev/null", "http://127.0.0.1:\(port)/metrics"])
        }
        #expect(anonymous.standardOutput == "401")
    }
}

/// What the command line tells an operator: its version, and the exit codes the README states.
@Suite struct CommandLineTests {
    @Test func theVersionAndTheExitCodesAreWhatTheREADMESays() {
        let version = Command.run(GatewayBinary.path, ["--version"])
        #expect(version.status == 0 && version.standardOutput.hasPrefix("single-window-gateway "))
        let usage = Command.run(GatewayBinary.path, ["serve", "--max-connections", "0"])
        #expect(usage.status == 64 && usage.standardError.contains("--max-connections must be at least 1"))
        let failure = Command.run(GatewayBinary.path, ["verify", "--trust", RepositoryPaths.root + "/README.md", RepositoryPaths.root + "/README.md"])
        #expect(failure.status == 1)
        #expect(failure.standardError.hasPrefix("gateway: CONFIGURATION_INVALID: ") && failure.standardError.contains("is a file: the trust is a directory"),
                "\(failure.standardError)")
        let demo = Command.run(GatewayBinary.path, ["demo", "--once", "--database", "var/demo.sqlite"])
        #expect(demo.status == 64 && demo.standardError.contains("--database is sqlite:PATH"))
    }
}
