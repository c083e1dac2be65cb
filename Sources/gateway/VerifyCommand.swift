import ArgumentParser
import Foundation
import GatewayCore
import Signatures

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a signed XML document or JWS against the trust anchors and CRLs in a directory.",
        discussion: """
        Valid only if the signature covers the whole document, uses an accepted algorithm, and the \
        signer's certificate chains to a CA in DIR (*.pem, *.crt; CRLs *.crl, *.crl.pem), is within \
        its validity, is not revoked and allows digital signature. Prints the signer's subject; \
        otherwise exits 1 with one line naming the reason.
        """
    )

    @Option(name: .long, help: "Directory of trusted CA certificates and CRLs.")
    var trust: String

    @Option(name: .long, help: "Verify as of this time (ISO 8601, e.g. 2025-03-01T09:00:00+07:00); default now.")
    var at: String?

    @Flag(name: .long, help: "Refuse a signer whose issuer has no CRL in DIR.")
    var requireCrl = false

    @Flag(name: .long, help: "Also print issuer, serial, SHA-256 fingerprint and algorithm.")
    var verbose = false

    @Argument(help: "The signed document; - reads standard input.")
    var file: String

    func run() throws {
        do {
            let time = try verificationTime()
            let store = try TrustStore(directory: trust)
            let verifier = SignedMessageVerifier(trust: .standard(store: store, requireRevocationList: requireCrl))
            let result = try verifier.verify(try InputFile.read(file), at: time)
            var lines = [result.signature.signer.subject]
            if verbose {
                let signer = result.signature.signer
                lines += ["issuer: \(signer.issuer)", "serial: \(signer.serialNumber)",
                          "sha256 fingerprint: \(signer.fingerprintSHA256)",
                          "\(result.signature.format.rawValue) \(result.signature.algorithm)"]
            }
            print(lines.joined(separator: "\n"))
        } catch {
            throw CommandFailure.exit(error)
        }
    }

    private func verificationTime() throws(GatewayError) -> Date {
        guard let at else { return Date() }
        guard let date = ISO8601DateFormatter().date(from: at) else {
            throw GatewayError(.configurationInvalid, "--at must be an ISO 8601 date-time with an offset, not \(at).")
        }
        return date
    }
}
