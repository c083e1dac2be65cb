import Foundation
import Signatures
import Testing
import TestSupport

/// `gateway serve` with its receipt key and MOIT's `signWith` key in a PKCS#11 token (SoftHSM2):
/// the receipt and the XML delivered to MOIT are signed in the token and verify (xmlsec1 for the
/// XML); a wrong PIN stops the start with a line that says so.
@Suite struct TokenKeyServeTests {
    static let root = RepositoryPaths.root

    /// The shipped partner files with absolute paths, MOIT signing with the token's key.
    static func partners(signingMOITWith folder: String) throws -> String {
        let directory = temporaryDirectory("partners")
        for file in try FileManager.default.contentsOfDirectory(atPath: root + "/Partners") where file.hasSuffix(".yaml") {
            var text = try String(contentsOfFile: "\(root)/Partners/\(file)", encoding: .utf8).replacingOccurrences(of: "../", with: root + "/")
            if file == "moit.yaml" { text = text.replacingOccurrences(of: "signWith: \(root)/Certificates/demo/gateway\n", with: "signWith: \(folder)\n") }
            write(text, to: "\(directory)/\(file)")
        }
        return directory
    }

    @Test func receiptsAndDeliveriesAreSignedInTheToken() async throws {
        let token = try TestSoftHSM.make(copying: Self.root + "/Certificates/demo/gateway", label: "receipt")
        try token.add(copying: Self.root + "/Certificates/demo/gateway-rsa", label: "moit-signing", id: "02")
        let moit = try await FakePartner.start(answering: [202])
        defer { moit.stop() }
        let server = try ServeProcess(database: "sqlite:" + temporaryDirectory("token") + "/gateway.sqlite", moitURL: moit.url,
                                      arguments: ["--receipt-key", token.keyFolder, "--partners", try Self.partners(signingMOITWith: token.directory + "/moit-signing")],
                                      environment: token.environment.merging(["GATEWAY_KEY_PASSPHRASE": TestSoftHSM.pin]) { $1 })
        try await server.waitUntilHealthy()
        let answer = try await server.answer(try ServeProcess.application(400), as: "customs-core")
        #expect(answer.status == 202)
        for _ in 0..<100 where moit.deliveries.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
        await server.stop(SIGTERM)

        let trust = try TrustStore(directory: Self.root + "/Certificates/demo/trust/vn")
        let receipt = try JWSVerifier(trust: .standard(store: trust)).verify(String(decoding: answer.body, as: UTF8.self), at: Date())
        #expect(receipt.signature.signer.subject.contains("CN=nsw-gateway-signing.example"))

        let delivered = try #require(moit.deliveries.first).body
        #expect(String(decoding: delivered, as: UTF8.self).contains("rsa-sha256"))
        let file = temporaryDirectory("delivered") + "/moit.xml"
        FileManager.default.createFile(atPath: file, contents: Data(delivered))
        let checked = await Blocking.run {
            Command.run("xmlsec1", ["--verify", "--trusted-pem", Self.root + "/Certificates/demo/trust/vn/vn-root-ca.pem",
                                    "--untrusted-pem", Self.root + "/Certificates/demo/trust/vn/vn-issuing-ca.pem", file])
        }
        #expect(checked.status == 0, "\(checked.standardError)")
    }

    @Test func aWrongPINStopsTheStartWithALineThatSaysSo() async throws {
        let token = try TestSoftHSM.make(copying: Self.root + "/Certificates/demo/gateway", label: "receipt")
        let directory = temporaryDirectory("wrong-pin")
        let credentials = try TestAccess.file(in: directory)
        let result = await Blocking.run {
            Command.run(GatewayBinary.path, ["serve", "--port", String(FreePort.next()), "--database", "sqlite:\(directory)/gateway.sqlite",
                                             "--credentials", credentials, "--session-key", directory + "/session.key", "--receipt-key", token.keyFolder],
                        environment: token.environment.merging(["GATEWAY_KEY_PASSPHRASE": "0000"]) { $1 }, in: Self.root)
        }
        #expect(result.status == 1)
        #expect(result.standardError.contains("key.pkcs11: The token holds no key pkcs11:token=gateway-test;object=receipt;type=private that opens with the PIN given"),
                "\(result.standardError)")
    }
}
