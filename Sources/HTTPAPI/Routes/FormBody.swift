import Foundation
import NIOCore

/// `application/x-www-form-urlencoded`, as the gateway's pages post their forms and build their links.
enum FormBody {
    /// The fields in their order; a name may come several times (the console's checkboxes).
    static func fields(_ body: ByteBuffer) -> [(name: String, value: String)] {
        String(buffer: body).split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                let spaced = text.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    /// Each name's last value.
    static func dictionary(_ body: ByteBuffer) -> [String: String] {
        Dictionary(fields(body).map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    /// `text` with everything but unreserved characters percent-encoded: a query value or a path segment.
    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    private static let unreserved: CharacterSet = {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return allowed
    }()
}
