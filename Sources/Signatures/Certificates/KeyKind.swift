import COpenSSL

/// What kind of public or private key an EVP_PKEY holds, as far as signing cares.
public enum KeyKind: Hashable, Sendable, CustomStringConvertible {
    case rsa(bits: Int)
    case ec(curve: String, bits: Int)
    case other(String)

    init(_ key: OpaquePointer) {
        let bits = Int(EVP_PKEY_get_bits(key))
        switch EVP_PKEY_get_base_id(key) {
        case EVP_PKEY_RSA, EVP_PKEY_RSA_PSS:
            self = .rsa(bits: bits)
        case EVP_PKEY_EC:
            var name = [CChar](repeating: 0, count: 64)
            var length = 0
            EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, &name, name.count, &length)
            self = .ec(curve: String(decoding: name.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self), bits: bits)
        default:
            let name = EVP_PKEY_get0_type_name(key).map { String(cString: $0) } ?? "unknown"
            self = .other(name)
        }
    }

    public var description: String {
        switch self {
        case .rsa(let bits): "RSA-\(bits)"
        case .ec(let curve, _): "EC \(curve)"
        case .other(let name): name
        }
    }

    var isRSA: Bool { if case .rsa = self { true } else { false } }
    var isP256: Bool { if case .ec(let curve, _) = self { curve == "prime256v1" || curve == "P-256" } else { false } }
}
