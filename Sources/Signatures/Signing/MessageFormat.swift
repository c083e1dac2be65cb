import Foundation
import GatewayCore

/// How a partner's message is encoded, told from its first significant byte.
public enum MessageFormat: String, Sendable {
    case xml
    case json
    /// A JWS compact serialization (its payload is JSON).
    case jws

    public static func detect(_ bytes: [UInt8]) -> MessageFormat? {
        guard let first = bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else { return nil }
        switch first {
        case UInt8(ascii: "<"): return .xml
        case UInt8(ascii: "{"), UInt8(ascii: "["): return .json
        default:
            let isCompactJWS = bytes.allSatisfy { byte in
                byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                    || (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || [0x20, 0x09, 0x0A, 0x0D].contains(byte)
            }
            let dots = bytes.lazy.filter { $0 == UInt8(ascii: ".") }.count
            return isCompactJWS && dots == 2 ? .jws : nil
        }
    }
}
