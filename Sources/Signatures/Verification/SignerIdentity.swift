/// Who signed a message, as the gateway records it next to every message it believed.
public struct SignerIdentity: Sendable, Hashable, Codable, CustomStringConvertible {
    public var subject: String
    public var issuer: String
    public var serialNumber: String
    public var fingerprintSHA256: String

    public init(subject: String, issuer: String, serialNumber: String, fingerprintSHA256: String) {
        self.subject = subject
        self.issuer = issuer
        self.serialNumber = serialNumber
        self.fingerprintSHA256 = fingerprintSHA256
    }

    public init(_ certificate: Certificate) {
        subject = certificate.subject
        issuer = certificate.issuer
        serialNumber = certificate.serialNumberHex
        fingerprintSHA256 = certificate.fingerprintSHA256
    }

    public var description: String { subject }
}

/// What a successful verification established.
public struct VerifiedSignature: Sendable {
    public enum Format: String, Sendable { case xmlDSig = "XML-DSig", jws = "JWS" }

    public let format: Format
    /// The signature algorithm: an XML-DSig URI or a JWS `alg`.
    public let algorithm: String
    public let signer: SignerIdentity
    public let chain: CertificateChain
}
