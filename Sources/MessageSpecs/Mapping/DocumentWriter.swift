import GatewayCore

/// A document being written: XML elements with attributes and text, or JSON members and items.
/// Values are written in any order; `XMLTree.sorted` and `JSONTree.sorted` then put them in the
/// order the schema declares.
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

/// The JSON counterpart of `XMLTree`: nested objects whose members are ordered by the schema.
/// A member that is a value is kept as the value, not as a node of its own.
final class JSONTree {
    enum Member {
        case tree(JSONTree)
        case value(JSONValue)
    }

    var members: [(String, Member)] = []
    var items: [JSONTree]?
    var scalar: JSONValue?

    init(scalar: JSONValue? = nil) {
        self.scalar = scalar
    }

    private var hasChildren: Bool { items != nil || !members.isEmpty }

    func member(_ name: String) -> JSONTree {
        if let index = members.firstIndex(where: { $0.0 == name }) {
            switch members[index].1 {
            case .tree(let tree): return tree
            case .value(let value):
                // A value written where a path now goes deeper stays what the member reads as.
                let tree = JSONTree(scalar: value)
                members[index].1 = .tree(tree)
                return tree
            }
        }
        let child = JSONTree()
        members.append((name, .tree(child)))
        return child
    }

    func descend(_ steps: [String]) -> JSONTree {
        steps.reduce(self) { $0.member($1) }
    }

    /// Writes `value` at `steps` below this node (at the node itself for no steps).
    func set(_ value: JSONValue, at steps: [String]) {
        guard let last = steps.last else { scalar = value; return }
        let parent = steps.count == 1 ? self : descend(Array(steps.dropLast()))
        if let index = parent.members.firstIndex(where: { $0.0 == last }) {
            switch parent.members[index].1 {
            case .tree(let tree): tree.scalar = value
            case .value: parent.members[index].1 = .value(value)
            }
        } else {
            parent.members.append((last, .value(value)))
        }
    }

    func appendItem(at steps: [String]) -> JSONTree {
        let list = descend(steps)
        if list.items == nil { list.items = [] }
        let item = JSONTree()
        list.items?.append(item)
        return item
    }

    func sort(by schema: SchemaNode?) {
        guard let schema = schema?.resolved else { return }
        if members.count > 1 {
            let properties = schema.properties
            let ranks = members.map { member in properties.firstIndex { $0.0 == member.0 } ?? Int.max }
            // Written in the schema's order already, as a spec's fields usually are: nothing to move.
            if zip(ranks, ranks.dropFirst()).contains(where: { $0 > $1 }) {
                members = zip(ranks, members).enumerated()
                    .sorted { $0.element.0 == $1.element.0 ? $0.offset < $1.offset : $0.element.0 < $1.element.0 }
                    .map(\.element.1)
            }
        }
        for (name, member) in members {
            if case .tree(let child) = member, child.hasChildren { child.sort(by: schema.property(name)) }
        }
        if let items, !items.isEmpty {
            let element = schema.items
            for item in items where item.hasChildren { item.sort(by: element) }
        }
    }

    var value: JSONValue {
        if let items { return .array(items.map(\.value)) }
        if let scalar { return scalar }
        return .object(JSONObject(unique: members.map { name, member in
            switch member {
            case .tree(let tree): (name, tree.value)
            case .value(let value): (name, value)
            }
        }))
    }
}
