import ArgumentParser
import Foundation
import GatewayCore
import Hub
import Signatures

/// How the gateway's encrypted keys are opened, with no secret on the command line.
struct KeyOptions: ParsableArguments {
    @Option(name: .long, help: "A file whose first line opens the gateway's encrypted keys (receipt key, signWith keys, TLS client keys); or GATEWAY_KEY_PASSPHRASE.")
    var keyPassphraseFile: String?

    /// The process environment with the passphrase of the file, if one is given, in force.
    func environment() throws(GatewayError) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        guard let keyPassphraseFile else { return environment }
        guard let data = FileManager.default.contents(atPath: keyPassphraseFile) else {
            throw GatewayError(.configurationInvalid, "The key passphrase file \(keyPassphraseFile) cannot be read.", path: keyPassphraseFile)
        }
        environment[PartnerRegistry.keyPassphraseVariable] = String(decoding: data, as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init)
        return environment
    }

    /// The gateway's receipt signer from its folder (key.pem or key.pkcs11, cert.pem, optional chain.pem).
    func receiptSigner(folder: String) throws(GatewayError) -> MessageSigner {
        let chain = "\(folder)/chain.pem"
        return try MessageSigner(keyFile: PrivateKey.file(in: folder), certificateFile: "\(folder)/cert.pem",
                                 chainFile: FileManager.default.fileExists(atPath: chain) ? chain : nil,
                                 passphrase: try environment()[PartnerRegistry.keyPassphraseVariable])
    }
}
