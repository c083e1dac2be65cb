import CLibXML2
import COpenSSL
import HardenedXML

/// What XML-DSig verification cannot avoid: one bare public-key verify, and the exclusive
/// canonicalization and SHA-256 of the document. The gateway's verify is judged against these.
enum Baselines {
    /// A signature over 32 bytes and a reusable verifier of it, straight on OpenSSL EVP.
    final class BareVerify {
        private let key: OpaquePointer
        private let message = [UInt8](repeating: 0x5A, count: 32)
        private var signature: [UInt8] = []

        init?(privateKeyPEM: [UInt8]) {
            guard let bio = BIO_new(BIO_s_mem()) else { return nil }
            defer { BIO_free(bio) }
            _ = privateKeyPEM.withUnsafeBytes { BIO_write(bio, $0.baseAddress, Int32($0.count)) }
            guard let key = PEM_read_bio_PrivateKey(bio, nil, nil, nil) else { return nil }
            self.key = key
            guard let context = EVP_MD_CTX_new() else { return nil }
            defer { EVP_MD_CTX_free(context) }
            var length = 0
            guard EVP_DigestSignInit(context, nil, EVP_sha256(), nil, key) == 1,
                  EVP_DigestSign(context, nil, &length, message, message.count) == 1 else { return nil }
            signature = [UInt8](repeating: 0, count: length)
            guard EVP_DigestSign(context, &signature, &length, message, message.count) == 1 else { return nil }
            signature = Array(signature.prefix(length))
        }

        deinit {
            EVP_PKEY_free(key)
        }

        func verify() -> Bool {
            guard let context = EVP_MD_CTX_new() else { return false }
            defer { EVP_MD_CTX_free(context) }
            return EVP_DigestVerifyInit(context, nil, EVP_sha256(), nil, key) == 1
                && EVP_DigestVerify(context, signature, signature.count, message, message.count) == 1
        }
    }

    /// Exclusive C14N of the whole document, then SHA-256 of the result.
    static func canonicalizeAndDigest(_ document: ParsedDocument) -> Int {
        var output: UnsafeMutablePointer<xmlChar>?
        let length = xmlC14NDocDumpMemory(document.pointer, nil, Int32(XML_C14N_EXCLUSIVE_1_0.rawValue), nil, 0, &output)
        guard length > 0, let output else { return 0 }
        defer { gateway_xmlFree(output) }
        var digest = [UInt8](repeating: 0, count: 32)
        var digestLength: UInt32 = 0
        EVP_Digest(output, Int(length), &digest, &digestLength, EVP_sha256(), nil)
        return Int(digestLength)
    }
}
