import Foundation
import GatewayCore
import Testing

/// base64url as RFC 7515 spells it: Foundation's base64 with `-` and `_` for `+` and `/` and
/// without padding, for every length's remainder and every byte value; and back.
@Suite struct Base64URLTests {
    static func reference(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    @Test func everyLengthAndByteIsEncodedAsRFC7515Spells() {
        var state: UInt64 = 7_515
        for length in 0...200 {
            let bytes = (0..<length).map { _ -> UInt8 in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return UInt8(truncatingIfNeeded: state >> 56)
            }
            let encoded = Base64URL.encode(bytes)
            #expect(encoded == Self.reference(bytes), "length \(length)")
            #expect(Base64URL.decode(Array(encoded.utf8)) == bytes, "length \(length)")
            #expect(Base64URL.encode(bytes[...]) == encoded, "a slice, length \(length)")
        }
        let every = (0...255).map(UInt8.init)
        #expect(Base64URL.encode(every) == Self.reference(every))
        #expect(Base64URL.encode("Thép".utf8) == Self.reference(Array("Thép".utf8)))
    }
}

extension Base64URLTests {
    /// Padding, whitespace, the standard alphabet's `+` and `/`, a length no encoding has, and
    /// non-zero trailing bits are each refused.
    @Test(arguments: ["QQ==", "QQ ", "a+b/", "QUJDR", "QR", "QUJ", " QUJD"])
    func whatNoEncodingWritesIsRefused(text: String) {
        #expect(Base64URL.decode(Array(text.utf8)) == nil)
        #expect(Base64URL.decode(Substring(text)) == nil)
    }
}

/// Lowercase hexadecimal of every byte value, from an array, a slice and a non-contiguous
/// collection alike; and back, in either case.
@Suite struct HexTests {
    @Test func everyByteIsWrittenAsTwoLowercaseDigitsAndReadBack() {
        let every = (0...255).map(UInt8.init)
        let reference = every.map { String(format: "%02x", $0) }.joined()
        #expect(Hex.lowercase(every) == reference)
        #expect(Hex.lowercase(every[16...]) == String(reference.dropFirst(32)))
        #expect(Hex.lowercase(every.lazy.map { $0 }) == reference)
        #expect(Hex.lowercase([UInt8]()) == "")
        #expect(Hex.bytes(reference) == every)
        #expect(Hex.bytes(reference.uppercased()) == every)
        #expect(Hex.bytes("abc") == nil)
        #expect(Hex.bytes("zz") == nil)
    }
}
