import COpenSSL

enum Digest {
    static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = bytes.withUnsafeBytes { EVP_Digest($0.baseAddress, $0.count, &output, &length, EVP_sha256(), nil) }
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
