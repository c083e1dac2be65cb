import COpenSSL
import GatewayCore

/// SHA-256 through OpenSSL, as lowercase hex.
public enum Digest {
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        Hex.lowercase(sha256(bytes))
    }
}

extension Digest {
    public static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        _ = bytes.withUnsafeBufferPointer { EVP_Digest($0.baseAddress, $0.count, &digest, &length, EVP_sha256(), nil) }
        return digest
    }
}
