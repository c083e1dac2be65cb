import GatewayCore

/// An XML document being written: elements with attributes and text. Values are written in any
/// order; `sort` then puts them in the order the schema declares.
final class XMLTree {
    let name: String
    var attributes: [(String, String)] = []
    var text: String?
    var children: [XMLTree] = []

    init(_ name: String) {
        self.name = name
    }

    /// The last child named `name`, or a new one.
    func child(_ name: String) -> XMLTree {
        if let existing = children.last(where: { $0.name == name }) { return existing }
        return appendChild(name)
    }

    func appendChild(_ name: String) -> XMLTree {
        let child = XMLTree(name)
        children.append(child)
        return child
    }

    func descend(_ steps: [String]) -> XMLTree {
        steps.reduce(self) { $0.child($1) }
    }

    func set(_ value: String, at path: DocumentPath) {
        let element = descend(path.steps)
        if let attribute = path.attribute {
            element.attributes.removeAll { $0.0 == attribute }
            element.attributes.append((attribute, value))
        } else {
            element.text = value
        }
    }

    func sort(by outline: XSDOutline.Node?) {
        guard let outline else { return }
        let indexed = children.enumerated().map { ($0.offset, $0.element) }
        children = indexed.sorted { lhs, rhs in
            let left = outline.order(of: lhs.1.name) ?? Int.max, right = outline.order(of: rhs.1.name) ?? Int.max
            return left == right ? lhs.0 < rhs.0 : left < right
        }.map(\.1)
        for child in children { child.sort(by: outline.child(child.name)) }
    }

    /// UTF-8 text with the XML declaration, two-space indentation, as the partners' examples are written.
    func serialized(namespace: String) -> [UInt8] {
        var output = Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".utf8)
        write(into: &output, indent: 0, namespace: namespace)
        return output
    }

    private func write(into output: inout [UInt8], indent: Int, namespace: String?) {
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * 2))
        output.append(UInt8(ascii: "<"))
        output.append(contentsOf: name.utf8)
        if let namespace { output.append(contentsOf: " xmlns=\"\(XMLTree.escape(namespace, attribute: true))\"".utf8) }
        for (key, value) in attributes {
            output.append(contentsOf: " \(key)=\"\(XMLTree.escape(value, attribute: true))\"".utf8)
        }
        if children.isEmpty, text == nil {
            output.append(contentsOf: "/>\n".utf8)
            return
        }
        output.append(UInt8(ascii: ">"))
        if children.isEmpty {
            output.append(contentsOf: XMLTree.escape(text ?? "", attribute: false).utf8)
        } else {
            output.append(0x0A)
            for child in children { child.write(into: &output, indent: indent + 1, namespace: nil) }
            output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * 2))
        }
        output.append(contentsOf: "</\(name)>\n".utf8)
    }

    static func escape(_ text: String, attribute: Bool) -> String {
        // Bytes, not characters: telling Vietnamese text's graphemes apart only to find no `&` was
        // most of writing it.
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x0D }) else { return text }
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"" where attribute: result += "&quot;"
            case "\r": result += "&#13;"
            default: result.append(character)
            }
        }
        return result
    }
}
