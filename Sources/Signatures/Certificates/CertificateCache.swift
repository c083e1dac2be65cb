import Foundation
import GatewayCore
import Synchronization

/// Certificates as they arrive in messages (base64 DER in KeyInfo or x5c), parsed once.
/// A partner signs thousands of messages with one certificate, and decoding one costs OpenSSL 3
/// far more than the signature check itself; the cache is keyed by the exact text received.
enum CertificateCache {
    private static let entries = Mutex<[String: Certificate]>([:])
    private static let capacity = 1024

    static func certificate(base64 text: String) throws(GatewayError) -> Certificate {
        if let known = entries.withLock({ $0[text] }) { return known }
        guard let der = Base64.decodeIgnoringWhitespace(text), !der.isEmpty else {
            throw GatewayError(.malformed, "The certificate is not valid base64.")
        }
        let certificate = try Certificate(der: der)
        entries.withLock { cache in
            if cache.count >= capacity { cache.removeAll(keepingCapacity: true) }
            cache[text] = certificate
        }
        return certificate
    }
}

enum Base64 {
    /// Standard base64 as XML-DSig writes it: line breaks and spaces between the characters are allowed.
    static func decodeIgnoringWhitespace(_ text: String) -> [UInt8]? {
        let compact = text.utf8.filter { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
        return Data(base64Encoded: Data(compact)).map(Array.init)
    }
}
