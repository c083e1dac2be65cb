import COpenSSL

enum Digest {
    /// SHA-256 fetched from the provider once: `EVP_sha256()` makes OpenSSL 3 fetch it again at
    /// every digest or signature it starts, a cost the signature paths pay per message.
    nonisolated(unsafe) static let sha256Method: OpaquePointer? = EVP_MD_fetch(nil, "SHA2-256", nil) ?? EVP_sha256()

    /// SHA-256 of what `feed` hands the context it is given (`EVP_DigestUpdate`), for bytes
    /// written a piece at a time; nil when `feed` or OpenSSL fails.
    static func sha256(fedBy feed: (OpaquePointer) -> Bool) -> [UInt8]? {
        guard let context = EVP_MD_CTX_new() else { return nil }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestInit_ex(context, sha256Method, nil) == 1, feed(context) else { return nil }
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context, &digest, &length) == 1, length == 32 else { return nil }
        return digest
    }

    static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = bytes.withUnsafeBytes { EVP_Digest($0.baseAddress, $0.count, &output, &length, sha256Method, nil) }
        return Array(output.prefix(Int(length)))
    }
}

extension Array where Element == UInt8 {
    /// `AB:CD:…`, the way `openssl x509 -fingerprint -sha256` prints it, so operators can compare.
    var colonSeparatedHex: String {
        map { byte in
            let digits = String(byte, radix: 16, uppercase: true)
            return digits.count == 1 ? "0" + digits : digits
        }.joined(separator: ":")
    }
}
