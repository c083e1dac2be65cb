import Foundation
import GatewayCore

/// Signs a message in its own format: XML gets an enveloped XML-DSig, JSON becomes a JWS.
public struct MessageSigner: Sendable {
    public let xml: XMLSigner
    public let jws: JWSSigner

    public init(key: PrivateKey, certificate: Certificate, chain: [Certificate] = [],
                jwsScheme: SignatureScheme? = nil) throws(GatewayError) {
        xml = try XMLSigner(key: key, certificate: certificate, chain: chain)
        jws = try JWSSigner(key: key, certificate: certificate, chain: chain, scheme: jwsScheme)
    }

    /// Reads the key (a PEM file, opened with `passphrase` when it is encrypted, or a `.pkcs11`
    /// reference to a token's key, `passphrase` its PIN), the certificate and the optional chain.
    public init(keyFile: String, certificateFile: String, chainFile: String? = nil,
                jwsScheme: SignatureScheme? = nil, passphrase: String? = nil) throws(GatewayError) {
        let key = try PrivateKey.load(file: keyFile, passphrase: passphrase)
        let certificates = try Certificate.certificates(pem: try PEMFile.read(certificateFile, what: "certificate"))
        guard let certificate = certificates.first else {
            throw GatewayError(.configurationInvalid, "The certificate file \(certificateFile) holds no certificate.")
        }
        var chain = Array(certificates.dropFirst())
        if let chainFile {
            chain += try Certificate.certificates(pem: try PEMFile.read(chainFile, what: "certificate chain"))
        }
        try self.init(key: key, certificate: certificate, chain: chain, jwsScheme: jwsScheme)
    }

    /// The SHA-256 fingerprint of the certificate it signs with.
    public var fingerprint: String { xml.certificates[0].fingerprintSHA256 }

    /// Signs a document the gateway wrote itself and checked against its partner's schema, whose
    /// format is known: a JSON object is not read again to find out that it is one.
    public func sign(written bytes: [UInt8], format: MessageFormat) throws(GatewayError) -> [UInt8] {
        switch format {
        case .xml: try xml.sign(bytes)
        case .json: Array(try jws.sign(payload: bytes).utf8)
        case .jws: throw GatewayError(.internalError, "The gateway signs the JSON payload of a JWS, not the JWS.")
        }
    }

    public func sign(_ bytes: [UInt8]) throws(GatewayError) -> [UInt8] {
        switch MessageFormat.detect(bytes) {
        case .xml:
            return try xml.sign(bytes)
        case .json:
            guard (try? JSONSerialization.jsonObject(with: Data(bytes))) is [String: Any] else {
                throw GatewayError(.malformed, "The document starts like JSON but is not a JSON object.")
            }
            return Array(try jws.sign(payload: bytes).utf8)
        case .jws where bytes.lazy.filter({ $0 == UInt8(ascii: ".") }).count == 2:
            throw GatewayError(.malformed, "The document is already a JWS; sign its JSON payload instead.")
        case .jws, nil:
            throw GatewayError(.malformed, "The document is neither XML nor JSON.")
        }
    }
}

enum PEMFile {
    static func read(_ path: String, what: String) throws(GatewayError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GatewayError(.configurationInvalid, "The \(what) file \(path) cannot be read.")
        }
        return Array(data)
    }
}
