import COpenSSL

/// An OpenSSL memory BIO, read-only over bytes or writable to collect output.
final class MemoryBIO {
    let pointer: OpaquePointer

    /// Over a copy of `bytes`, so the BIO does not depend on the caller's buffer.
    init?(_ bytes: [UInt8]) {
        guard let bio = BIO_new(BIO_s_mem()) else { return nil }
        pointer = bio
        let written = bytes.withUnsafeBytes { BIO_write(bio, $0.baseAddress, Int32($0.count)) }
        if written != Int32(bytes.count) && !bytes.isEmpty { return nil }
    }

    init?() {
        guard let bio = BIO_new(BIO_s_mem()) else { return nil }
        pointer = bio
    }

    deinit {
        BIO_free(pointer)
    }

    var contents: [UInt8] {
        var data: UnsafeMutablePointer<CChar>?
        let length = gateway_BIO_get_mem_data(pointer, &data)
        guard let data, length > 0 else { return [] }
        return data.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
            Array(UnsafeBufferPointer(start: $0, count: Int(length)))
        }
    }

    var string: String { String(decoding: contents, as: UTF8.self) }
}
