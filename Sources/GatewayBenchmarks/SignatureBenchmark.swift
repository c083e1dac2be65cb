import Foundation
import GatewayCore
import HardenedXML
import Signatures

/// Operations per second of the signature paths, with the demo PKI's keys: XML-DSig sign and
/// verify of a 4 KB licence decision with RSA-2048 (MOIT's key) and P-256 (MARD's), JWS sign and
/// verify with RS256 and ES256, and the baselines that XML-DSig verify is judged against.
public struct SignatureBenchmark {
    public let certificates: String
    public let specifications: String
    public let seconds: Double

    public init(certificates: String, specifications: String, seconds: Double) {
        self.certificates = certificates
        self.specifications = specifications
        self.seconds = seconds
    }

    public func run(report: (String) -> Void) throws {
        let samples = BenchmarkDocuments(specifications: specifications)
        let document = try samples.licenceDecision(size: 4096)
        let payload = try samples.paymentConfirmation()
        let store = try TrustStore(directory: "\(certificates)/trust/vn")
        let trust = SignerTrust.standard(store: store)
        let xmlVerifier = XMLSignatureVerifier(trust: trust)
        let jwsVerifier = JWSVerifier(trust: trust)
        let parser = HardenedXMLParser()
        let now = Date()
        report("Document: LicenceDecision of \(document.count) bytes; JWS payload: PaymentConfirmation of \(payload.count) bytes.")
        report("Each case runs for \(seconds) s on one thread.\n")

        var results: [String: Measurement] = [:]
        func measure(_ key: String, _ name: String, _ operation: () throws -> Void) rethrows {
            let measurement = try Measurement.run(name, for: seconds, operation)
            results[key] = measurement
            let name = measurement.name.padding(toLength: 58, withPad: " ", startingAt: 0)
            report(name + String(format: "%10.0f ops/s %9.1f µs/op", measurement.operationsPerSecond, measurement.microsecondsPerOperation))
        }

        for (party, label) in [("moit", "RSA-2048"), ("mard", "P-256")] {
            let signer = try MessageSigner(keyFile: "\(certificates)/\(party)/key.pem",
                                           certificateFile: "\(certificates)/\(party)/cert.pem",
                                           chainFile: "\(certificates)/\(party)/chain.pem")
            let signed = try signer.xml.sign(document)
            let parsedSigned = try parser.parse(signed)
            try measure("xml-sign-\(label)", "XML-DSig sign \(label) (parse + sign + bytes out)") { _ = try signer.xml.sign(document) }
            try measure("xml-verify-\(label)", "XML-DSig verify \(label) (parse + verify + trust)") { _ = try xmlVerifier.verify(signed, at: now) }
            try measure("xml-verify-parsed-\(label)", "XML-DSig verify \(label), document already parsed") {
                _ = try xmlVerifier.verify(parsedSigned, at: now)
            }
        }
        for (party, scheme) in [("bank-vcb", SignatureScheme.rs256), ("bank-vcb", .ps256), ("customs-core", .es256)] {
            let signer = try MessageSigner(keyFile: "\(certificates)/\(party)/key.pem",
                                           certificateFile: "\(certificates)/\(party)/cert.pem",
                                           chainFile: "\(certificates)/\(party)/chain.pem", jwsScheme: scheme)
            let compact = try signer.jws.sign(payload: payload)
            try measure("jws-sign-\(scheme.rawValue)", "JWS sign \(scheme.rawValue)") { _ = try signer.jws.sign(payload: payload) }
            try measure("jws-verify-\(scheme.rawValue)", "JWS verify \(scheme.rawValue) (verify + trust)") { _ = try jwsVerifier.verify(compact, at: now) }
        }

        try refusals(measure: measure, payload: payload, trust: trust, now: now)

        report("\nBaselines:")
        guard let moitKey = FileManager.default.contents(atPath: "\(certificates)/moit/key.pem"),
              let bare = Baselines.BareVerify(privateKeyPEM: Array(moitKey)) else {
            throw GatewayError(.configurationInvalid, "The MOIT demo key in \(certificates) cannot be read.")
        }
        let parsedDocument = try parser.parse(document)
        measure("rsa-verify", "bare RSA-2048 verify (EVP, SHA-256 of 32 bytes)") { _ = bare.verify() }
        measure("c14n", "exclusive C14N + SHA-256 of the 4 KB document") { _ = Baselines.canonicalizeAndDigest(parsedDocument) }
        try measure("parse", "hardened parse of the signed 4 KB document") { _ = try parser.parse(document) }

        if let verify = results["xml-verify-parsed-RSA-2048"], let rsa = results["rsa-verify"], let c14n = results["c14n"] {
            let floor = rsa.microsecondsPerOperation + c14n.microsecondsPerOperation
            report(String(format: "\nXML-DSig verify RSA-2048 (parsed) costs %.1f µs against a floor of %.1f µs (bare verify + C14N + digest): %.2f×.",
                          verify.microsecondsPerOperation, floor, verify.microsecondsPerOperation / floor))
        }
        guard let openssl = OpenSSLSpeed.measure(seconds: Int(seconds.rounded(.up))) else {
            report("\nopenssl speed could not be run: no ratios to OpenSSL's raw rates.")
            return
        }
        report(String(format: "\nOpenSSL's raw rates in this run (openssl speed -mr rsa2048 ecdsap256): RSA-2048 %.0f sign/s, %.0f verify/s; P-256 %.0f sign/s, %.0f verify/s.",
                      openssl.rsaSign, openssl.rsaVerify, openssl.ecdsaSign, openssl.ecdsaVerify))
        // The gateway parses a message once on the way in and verifies, validates and reads that
        // one document: verification is judged on a parsed document, with the parse shown beside.
        let ratios: [(key: String, label: String, raw: Double, aim: Double?)] = [
            ("xml-sign-RSA-2048", "XML-DSig sign RSA-2048 / raw RSA-2048 sign", openssl.rsaSign, 0.75),
            ("xml-verify-parsed-RSA-2048", "XML-DSig verify RSA-2048, chain, CRLs / raw RSA-2048 verify", openssl.rsaVerify, 0.25),
            ("xml-verify-RSA-2048", "  the same with the parse of the message", openssl.rsaVerify, nil),
            ("xml-sign-P-256", "XML-DSig sign P-256 / raw P-256 sign", openssl.ecdsaSign, 0.25),
        ]
        for (key, label, raw, aim) in ratios {
            guard let measured = results[key] else { continue }
            let ratio = measured.operationsPerSecond / raw
            let verdict = aim.map { String(format: "(aim %.0f%%: %@)", $0 * 100, ratio >= $0 ? "met" : "not met") } ?? ""
            report(String(format: "%@ %5.1f%% %@", label.padding(toLength: 62, withPad: " ", startingAt: 0), ratio * 100, verdict))
        }
    }

    /// The cost of refusing a large bogus JWS — a real signer's header around 4.9 MiB of unsigned
    /// garbage with a signature of the right length — beside verifying a valid message.
    private func refusals(measure: (String, String, () throws -> Void) throws -> Void, payload: [UInt8],
                          trust: SignerTrust, now: Date) throws {
        let verifier = SignedMessageVerifier(trust: trust)
        for (party, scheme) in [("bank-vcb", SignatureScheme.rs256), ("customs-core", .es256)] {
            let signer = try MessageSigner(keyFile: "\(certificates)/\(party)/key.pem", certificateFile: "\(certificates)/\(party)/cert.pem",
                                           chainFile: "\(certificates)/\(party)/chain.pem", jwsScheme: scheme)
            let valid = try signer.jws.sign(payload: payload)
            let parts = valid.split(separator: ".")
            let garbage = String(repeating: "QUJD", count: 4_900_000 / 4)
            let bogus = Array("\(parts[0]).\(garbage).\(String(repeating: "A", count: parts[2].count))".utf8)
            try measure("valid-\(scheme.rawValue)", "verify a valid \(scheme.rawValue) message (\(valid.utf8.count) bytes)") {
                _ = try verifier.verify(Array(valid.utf8), at: now)
            }
            try measure("bogus-\(scheme.rawValue)", "refuse a bogus \(scheme.rawValue) JWS of \(bogus.count / 1024) KiB") {
                if (try? verifier.verify(bogus, at: now)) != nil { throw GatewayError(.internalError, "The bogus JWS was accepted.") }
            }
        }
    }
}
