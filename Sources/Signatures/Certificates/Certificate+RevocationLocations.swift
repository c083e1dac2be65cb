import COpenSSL

extension Certificate {
    /// The OCSP responder its Authority Information Access names first, if any.
    public var ocspResponder: String? { Self.location(pointer, gateway_first_ocsp_url) }

    /// The first URI of its CRL Distribution Points, if any.
    public var crlDistributionPoint: String? { Self.location(pointer, gateway_first_crl_url) }

    private static func location(_ pointer: OpaquePointer,
                                 _ read: (OpaquePointer?, UnsafeMutablePointer<CChar>?, Int32) -> Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: 2048)
        let length = read(pointer, &buffer, Int32(buffer.count - 1))
        guard length > 0 else { return nil }
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
