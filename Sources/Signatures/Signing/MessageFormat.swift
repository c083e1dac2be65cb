import Foundation
import GatewayCore

/// How a partner's message is encoded, told from its first significant byte.
public enum MessageFormat: String, Sendable {
    case xml
    case json
    /// A JWS compact serialization (its payload is JSON).
    case jws

    /// Reads only the first significant byte, so that telling a 5 MB message's format costs
    /// nothing: a JWS is then checked part by part by its verifier.
    public static func detect(_ bytes: [UInt8]) -> MessageFormat? {
        guard let first = bytes.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) else { return nil }
        switch first {
        case UInt8(ascii: "<"): return .xml
        case UInt8(ascii: "{"), UInt8(ascii: "["): return .json
        case UInt8(ascii: "-"), UInt8(ascii: "_"), 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return .jws
        default: return nil
        }
    }
}
