import Foundation
import Testing
import TestSupport

/// No secret on the command line: the database password and key passphrases come from the
/// environment or files, and serve says which is missing.
@Suite struct SecretsTests {
    @Test func aDatabasePasswordOnTheCommandLineIsRefused() {
        let result = Command.run(GatewayBinary.path, ["serve", "--database", "postgres://gateway:s3cret@127.0.0.1:1/gateway"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("The database password is on the command line"), "\(result.standardError)")
        #expect(!result.standardError.contains("s3cret"))
    }

    @Test func anEncryptedReceiptKeyOpensWithAPassphraseFile() async throws {
        let folder = RepositoryPaths.root + "/Certificates/demo/gateway"
        let keys = temporaryDirectory("receipt-key")
        write("receipt key passphrase\n", to: "\(keys)/pass")
        let encrypted = Command.run("openssl", ["pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "\(folder)/key.pem", "-out", "\(keys)/key.pem",
                                                "-passout", "file:\(keys)/pass"])
        #expect(encrypted.status == 0)
        for file in ["cert.pem", "chain.pem"] { try FileManager.default.copyItem(atPath: "\(folder)/\(file)", toPath: "\(keys)/\(file)") }

        let directory = temporaryDirectory("no-passphrase")
        let without = Command.run(GatewayBinary.path, ["serve", "--port", String(FreePort.next()), "--receipt-key", keys,
                                                       "--database", "sqlite:\(directory)/gateway.sqlite",
                                                       "--credentials", try TestAccess.file(in: directory), "--session-key", "\(directory)/k"])
        #expect(without.status != 0)
        #expect(without.standardError.contains("The private key is encrypted"), "\(without.standardError)")

        let moit = try await FakePartner.start(answering: [202])
        defer { moit.stop() }
        let server = try ServeProcess(database: "sqlite:" + temporaryDirectory("passphrase") + "/gateway.sqlite", moitURL: moit.url,
                                      arguments: ["--receipt-key", keys, "--key-passphrase-file", "\(keys)/pass"])
        defer { server.signal(SIGTERM) }
        try await server.waitUntilHealthy()
        let answer = try await server.answer(try ServeProcess.application(1), as: "customs-core")
        #expect(answer.status == 202, "a receipt signed with the encrypted key")
        await server.stop(SIGTERM)
    }
}
