import COpenSSL
import Foundation
import GatewayCore

/// The cryptography of credentials, through OpenSSL: random tokens, their hashes, password
/// hashes and comparisons that take the same time whatever they find.
public enum Secret {
    /// A new API token: `swg_` and 32 random bytes in base64url (256 bits: a fast hash is enough
    /// to store it, as for GitHub's tokens).
    public static func newToken() -> String {
        "swg_" + Base64URL.encode(randomBytes(32))
    }

    public static func randomBytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        precondition(RAND_bytes(&bytes, Int32(count)) == 1, "OpenSSL's random generator failed")
        return bytes
    }

    /// `sha256:HEX` of a token, as the credentials file keeps it.
    public static func tokenHash(_ token: String) -> String {
        "sha256:" + Hex.lowercase(sha256(Array(token.utf8)))
    }

    static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        _ = bytes.withUnsafeBufferPointer { EVP_Digest($0.baseAddress, $0.count, &digest, &length, EVP_sha256(), nil) }
        return digest
    }

    public static func hmacSHA256(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        var mac = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        _ = key.withUnsafeBufferPointer { key in
            message.withUnsafeBufferPointer { message in
                HMAC(EVP_sha256(), key.baseAddress, Int32(key.count), message.baseAddress, message.count, &mac, &length)
            }
        }
        return mac
    }

    /// Whether two byte strings are equal, in a time that depends only on their length.
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return a.withUnsafeBytes { a in b.withUnsafeBytes { b in CRYPTO_memcmp(a.baseAddress, b.baseAddress, a.count) == 0 } }
    }

    /// OWASP's figure for PBKDF2-HMAC-SHA256 (2023): a guessed password costs an attacker this many hashes.
    public static let passwordIterations = 600_000

    /// `pbkdf2-sha256:ITERATIONS:SALT:HASH` (base64url) of a password.
    public static func passwordHash(_ password: String, iterations: Int = passwordIterations) -> String {
        let salt = randomBytes(16)
        return "pbkdf2-sha256:\(iterations):\(Base64URL.encode(salt)):\(Base64URL.encode(pbkdf2(password, salt: salt, iterations: iterations)))"
    }

    /// Whether `password` matches a stored `pbkdf2-sha256:…` hash; false for a malformed one.
    public static func passwordMatches(_ password: String, _ stored: String) -> Bool {
        let parts = stored.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let iterations = Int(parts[1]), iterations > 0,
              let salt = Base64URL.decode(parts[2]), let expected = Base64URL.decode(parts[3]) else { return false }
        return equal(pbkdf2(password, salt: salt, iterations: iterations), expected)
    }

    static func pbkdf2(_ password: String, salt: [UInt8], iterations: Int) -> [UInt8] {
        var key = [UInt8](repeating: 0, count: 32)
        let password = Array(password.utf8)
        _ = password.withUnsafeBufferPointer { password in
            password.withMemoryRebound(to: CChar.self) { password in
                PKCS5_PBKDF2_HMAC(password.baseAddress, Int32(password.count), salt, Int32(salt.count), Int32(iterations),
                                  EVP_sha256(), Int32(key.count), &key)
            }
        }
        return key
    }
}
