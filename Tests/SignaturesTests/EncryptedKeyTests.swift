import Foundation
import GatewayCore
import Signatures
import Testing
import TestSupport

/// Keys kept encrypted on disk (PKCS#8 with AES-256), opened with a passphrase the operator gives
/// outside the command line.
@Suite struct EncryptedKeyTests {
    static func encryptedCopy(of key: String, passphrase: String) throws -> String {
        let directory = temporaryDirectory("encrypted-key")
        write(passphrase, to: "\(directory)/pass")
        let result = Command.run("openssl", ["pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", key, "-out", "\(directory)/key.pem",
                                             "-passout", "file:\(directory)/pass"])
        #expect(result.status == 0, "\(result.standardError)")
        return "\(directory)/key.pem"
    }

    @Test func anEncryptedKeySignsWithItsPassphraseAndSaysWhatIsMissingWithout() throws {
        let folder = RepositoryPaths.root + "/Certificates/demo/moit"
        let encrypted = try Self.encryptedCopy(of: "\(folder)/key.pem", passphrase: "open sesame 2025")
        #expect(try String(contentsOfFile: encrypted, encoding: .utf8).contains("ENCRYPTED PRIVATE KEY"))
        let signer = try MessageSigner(keyFile: encrypted, certificateFile: "\(folder)/cert.pem", passphrase: "open sesame 2025")
        let signed = try signer.sign(Array("{\"a\":1}".utf8))
        #expect(signed.count > 100)

        #expect {
            try MessageSigner(keyFile: encrypted, certificateFile: "\(folder)/cert.pem")
        } throws: { error in
            (error as? GatewayError)?.message.contains("The private key is encrypted: give its passphrase in GATEWAY_KEY_PASSPHRASE") == true
        }
        #expect {
            try MessageSigner(keyFile: encrypted, certificateFile: "\(folder)/cert.pem", passphrase: "wrong")
        } throws: { error in
            (error as? GatewayError)?.message.contains("cannot be opened with the passphrase given") == true
        }
    }
}
