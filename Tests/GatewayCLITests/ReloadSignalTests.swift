import Foundation
import Signatures
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

    /// The receipt key rotates with a reload: receipts after it are signed by the new key, the seals
    /// of both keys are the gateway's for `gateway audit verify` given both certificates.
    @Test func sighupRotatesTheReceiptKey() async throws {
        let root = temporaryDirectory("receipt-rotation")
        let folder = root + "/receipt-key"
        try FileManager.default.copyItem(atPath: RepositoryPaths.root + "/Certificates/demo/gateway", toPath: folder)
        let server = try ServeProcess(database: "sqlite:" + root + "/gateway.sqlite", arguments: ["--receipt-key", folder, "--seal-every", "0.5"])
        try await server.waitUntilHealthy()
        func receiptSigner(_ index: Int) async throws -> String {
            let answer = try await server.answer(try ServeProcess.application(index), as: "customs-core")
            let trust = try TrustStore(directory: RepositoryPaths.root + "/Certificates/demo/trust/vn")
            return try JWSVerifier(trust: .standard(store: trust)).verify(String(decoding: answer.body, as: UTF8.self), at: Date()).signature.signer.subject
        }
        #expect(try await receiptSigner(51).contains("CN=nsw-gateway-signing.example"))
        func logged(_ text: String) async throws -> Bool {
            for _ in 0..<50 {
                if (try String(contentsOfFile: server.log, encoding: .utf8)).contains(text) { return true }
                try await Task.sleep(for: .milliseconds(100))
            }
            return false
        }
        #expect(try await logged("Audit chains sealed"), "a seal by the first key")
        for file in ["key.pem", "cert.pem", "chain.pem"] {
            try FileManager.default.removeItem(atPath: "\(folder)/\(file)")
            try FileManager.default.copyItem(atPath: "\(RepositoryPaths.root)/Certificates/demo/gateway-rsa/\(file)", toPath: "\(folder)/\(file)")
        }
        server.signal(SIGHUP)
        #expect(try await logged("SIGHUP: partner files reloaded"))
        #expect(try await receiptSigner(52).contains("CN=nsw-gateway-signing-rsa.example"))
        await server.stop(SIGTERM)
        let both = await Blocking.run {
            Command.run(GatewayBinary.path, ["audit", "verify", "--database", "sqlite:\(root)/gateway.sqlite", "--receipt-key", "Certificates/demo/gateway",
                                             "--receipt-key", "Certificates/demo/gateway-rsa"], in: RepositoryPaths.root)
        }
        #expect(both.status == 0 && both.standardOutput.contains("or CN=nsw-gateway-signing-rsa.example"), "\(both.standardOutput) \(both.standardError)")
        let newOnly = await Blocking.run {
            Command.run(GatewayBinary.path, ["audit", "verify", "--database", "sqlite:\(root)/gateway.sqlite", "--receipt-key", "Certificates/demo/gateway-rsa"],
                        in: RepositoryPaths.root)
        }
        #expect(newOnly.status == 1 && newOnly.standardOutput.contains("is not the gateway's"), "the first key's seals need its certificate: \(newOnly.standardOutput)")
    }
}
