import COpenSSL

/// JOSE carries ECDSA signatures as the fixed-size concatenation r||s (RFC 7518 §3.4);
/// OpenSSL produces and expects DER. P-256 gives 32 bytes each.
enum ECDSASignatureEncoding {
    static let componentLength = 32

    static func joseFromDER(_ der: [UInt8]) -> [UInt8]? {
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_ECDSA_SIG(nil, &cursor, buffer.count)
        }
        guard let signature = parsed else { return nil }
        defer { ECDSA_SIG_free(signature) }
        var output = [UInt8](repeating: 0, count: 2 * componentLength)
        guard let r = ECDSA_SIG_get0_r(signature), let s = ECDSA_SIG_get0_s(signature) else { return nil }
        let written = output.withUnsafeMutableBufferPointer { buffer in
            BN_bn2binpad(r, buffer.baseAddress, Int32(componentLength)) == Int32(componentLength)
                && BN_bn2binpad(s, buffer.baseAddress! + componentLength, Int32(componentLength)) == Int32(componentLength)
        }
        return written ? output : nil
    }

    static func derFromJOSE(_ jose: [UInt8]) -> [UInt8]? {
        guard jose.count == 2 * componentLength, let signature = ECDSA_SIG_new() else { return nil }
        defer { ECDSA_SIG_free(signature) }
        let r = jose.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, Int32(componentLength), nil) }
        let s = jose.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress! + componentLength, Int32(componentLength), nil) }
        guard let r, let s, ECDSA_SIG_set0(signature, r, s) == 1 else {
            BN_free(r)
            BN_free(s)
            return nil
        }
        var bytes: UnsafeMutablePointer<UInt8>?
        let length = i2d_ECDSA_SIG(signature, &bytes)
        guard length > 0, let bytes else { return nil }
        defer { gateway_OPENSSL_free(bytes) }
        return Array(UnsafeBufferPointer(start: bytes, count: Int(length)))
    }
}
