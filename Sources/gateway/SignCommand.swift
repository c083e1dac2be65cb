import ArgumentParser
import Foundation
import Signatures

struct SignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Print FILE signed: XML with an enveloped XML-DSig, JSON as a JWS compact string.",
        discussion: """
        XML: Reference URI="", enveloped-signature + exclusive C14N, SHA-256, rsa-sha256 or ecdsa-sha256 \
        by key type, the certificate (and chain) in KeyInfo/X509Data. JSON: RS256 (RSA) or ES256 (P-256) \
        unless --jws-alg says PS256; x5c carries the certificate and chain.
        """
    )

    @Option(name: .long, help: "The signer's private key (PEM, unencrypted).")
    var key: String

    @Option(name: .long, help: "The signer's certificate (PEM).")
    var cert: String

    @Option(name: .long, help: "Intermediate CA certificates to include (PEM).")
    var chain: String?

    @Option(name: .customLong("jws-alg"), help: "JWS algorithm: RS256, PS256 or ES256 (default by key type).")
    var jwsAlgorithm: String?

    @Argument(help: "The XML or JSON document; - reads standard input.")
    var file: String

    func run() throws {
        do {
            var scheme: SignatureScheme?
            if let jwsAlgorithm {
                guard let chosen = SignatureScheme(rawValue: jwsAlgorithm) else {
                    throw ValidationError("--jws-alg must be RS256, PS256 or ES256, not \(jwsAlgorithm).")
                }
                scheme = chosen
            }
            let signer = try MessageSigner(keyFile: key, certificateFile: cert, chainFile: chain, jwsScheme: scheme)
            var signed = try signer.sign(try InputFile.read(file))
            if MessageFormat.detect(signed) == .jws { signed.append(UInt8(ascii: "\n")) }
            FileHandle.standardOutput.write(Data(signed))
        } catch let error as ValidationError {
            throw error
        } catch {
            throw CommandFailure.exit(error)
        }
    }
}
