import Foundation
import GatewayCore
import NIOSSL

/// The server side of TLS (world §1.1: TLS 1.2 or later): the gateway's certificate chain and key,
/// TLS 1.2 and 1.3 only.
public struct InboundTLS: Sendable {
    let configuration: TLSConfiguration

    /// `certificateChain`: PEM, the gateway's certificate first; `key`: PEM, opened with
    /// `passphrase` when encrypted; `clientCAs`: PEM CAs of the client certificates asked for
    /// (mutual TLS: a client may present one, and a presented one must chain to these).
    public init(certificateChain: String, key: String, passphrase: String?, clientCAs: String? = nil) throws(GatewayError) {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(certificateChain)
        } catch {
            throw GatewayError(.configurationInvalid, "The TLS certificate file \(certificateChain) holds no PEM certificate: \(error)", path: certificateChain)
        }
        guard !certificates.isEmpty else {
            throw GatewayError(.configurationInvalid, "The TLS certificate file \(certificateChain) holds no PEM certificate.", path: certificateChain)
        }
        let privateKey: NIOSSLPrivateKey
        do {
            let bytes = Array(passphrase?.utf8 ?? "".utf8)
            privateKey = try NIOSSLPrivateKey(file: key, format: .pem) { (setter: NIOSSLPassphraseSetter<[UInt8]>) in setter(bytes) }
        } catch {
            throw GatewayError(.configurationInvalid,
                               "The TLS key \(key) cannot be read\(passphrase == nil ? " (an encrypted key needs GATEWAY_KEY_PASSPHRASE or --key-passphrase-file)" : ""): \(error)",
                               path: key)
        }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: certificates.map { .certificate($0) },
                                                                     privateKey: .privateKey(privateKey))
        configuration.minimumTLSVersion = .tlsv12
        configuration.maximumTLSVersion = .tlsv13
        if let clientCAs {
            guard FileManager.default.isReadableFile(atPath: clientCAs) else {
                throw GatewayError(.configurationInvalid, "The client CA file \(clientCAs) cannot be read.", path: clientCAs)
            }
            // Asked for, not required: officers' browsers have none; partner routes that need one check it.
            configuration.certificateVerification = .optionalVerification
            configuration.trustRoots = .file(clientCAs)
        }
        self.configuration = configuration
    }
}
