import CLibXML2
import Foundation
import HardenedXML

/// A signed document's bytes without serialising the whole tree again: the bytes as given, with
/// the `ds:Signature` (the root's last child, nothing else changed) written just before the
/// root's end tag. The digest is over the canonical form, which both forms share; the partner
/// gets its document byte for byte, signature added. Where the shape does not allow it (a root
/// written `<root/>`, a document in another encoding than UTF-8) the signer serialises the tree.
enum SignatureSplice {
    /// Where the signature goes in `bytes`: the start of the root's end tag; nil when the
    /// document is in another encoding than UTF-8 or its root is written `<root/>`.
    static func insertionPoint(in bytes: [UInt8], of document: ParsedDocument) -> Int? {
        if let encoding = document.pointer.pointee.encoding {
            let name = String(cString: encoding).uppercased()
            guard name == "UTF-8" || name == "UTF8" else { return nil }
        }
        guard let root = document.rootElement else { return nil }
        return rootEndTag(in: bytes, named: root.qualifiedName)
    }

    /// Where the root's end tag `</name>` begins: found from the end, past the whitespace,
    /// comments and processing instructions that may follow the root.
    static func rootEndTag(in bytes: [UInt8], named name: String) -> Int? {
        var index = bytes.count
        func skipWhitespace() {
            while index > 0, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index - 1]) { index -= 1 }
        }
        func ends(with text: String) -> Bool {
            let suffix = Array(text.utf8)
            return index >= suffix.count && Array(bytes[(index - suffix.count)..<index]) == suffix
        }
        func back(to opening: String) -> Bool {
            let marker = Array(opening.utf8)
            var position = index - marker.count
            while position >= 0 {
                if Array(bytes[position..<(position + marker.count)]) == marker {
                    index = position
                    return true
                }
                position -= 1
            }
            return false
        }
        skipWhitespace()
        while ends(with: "-->") || ends(with: "?>") {
            guard back(to: ends(with: "-->") ? "<!--" : "<?") else { return nil }
            skipWhitespace()
        }
        guard ends(with: ">"), let open = bytes[..<index].lastIndex(of: UInt8(ascii: "<")),
              bytes[open + 1] == UInt8(ascii: "/") else { return nil }
        let written = String(decoding: bytes[(open + 2)..<(index - 1)], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return written == name ? open : nil
    }
}
