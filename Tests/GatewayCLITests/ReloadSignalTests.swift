import Foundation
import Testing
import TestSupport

/// `kill -HUP` on `gateway serve`: the partner files reloaded in place, as an operator expects of a
/// daemon; broken files logged with their file and line, and the running configuration kept.
@Suite struct ReloadSignalTests {
    @Test func sighupReloadsThePartnerFilesAndKeepsThemWhenTheNewOnesDoNotLoad() async throws {
        let root = temporaryDirectory("sighup")
        try FileManager.default.createSymbolicLink(atPath: root + "/Certificates", withDestinationPath: RepositoryPaths.root + "/Certificates")
        try FileManager.default.copyItem(atPath: RepositoryPaths.root + "/Partners", toPath: root + "/Partners")
        func edit(_ file: String, _ old: String, _ new: String) throws {
            let path = root + "/Partners/" + file
            try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: old, with: new).write(toFile: path, atomically: true, encoding: .utf8)
        }
        let server = try ServeProcess(database: "sqlite:" + root + "/gateway.sqlite", arguments: ["--partners", root + "/Partners"])
        defer { server.signal(SIGTERM) }
        try await server.waitUntilHealthy()
        #expect(try await server.post(try ServeProcess.application(41), as: "customs-core") == 202)

        func waitForLog(_ text: String) async throws -> Bool {
            for _ in 0..<100 {
                if (try String(contentsOfFile: server.log, encoding: .utf8)).contains(text) { return true }
                try await Task.sleep(for: .milliseconds(100))
            }
            return false
        }
        try edit("customs-core.yaml", "sends: [customs-core/ImportApplication, ", "sends: [")
        server.signal(SIGHUP)
        #expect(try await waitForLog("SIGHUP: partner files reloaded, 8 partners in force"))
        #expect(try await server.post(try ServeProcess.application(42), as: "customs-core") == 403, "the reloaded file is in force")

        try edit("customs-core.yaml", "sends: [", "sends: [customs-core/ImportApplication, ")
        try edit("bank-bidv.yaml", "kind: bank", "kind: shop")
        server.signal(SIGHUP)
        #expect(try await waitForLog("SIGHUP: the partner files were not reloaded, the ones in force stay"))
        let log = try String(contentsOfFile: server.log, encoding: .utf8)
        #expect(log.contains("bank-bidv.yaml:") && log.contains("kind must be ministry, bank, asean or customs, not shop"), "\(log.suffix(1500))")
        #expect(try await server.post(try ServeProcess.application(43), as: "customs-core") == 403, "still the configuration of the last good reload")
        #expect(try await server.get("/health").status == 200, "a refused reload leaves the gateway serving")
    }
}
