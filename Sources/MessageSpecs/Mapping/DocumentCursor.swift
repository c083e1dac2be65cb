import CLibXML2
import GatewayCore
import HardenedXML

/// A value read from a document: text (XML, JSON strings) or a JSON number.
enum RawValue {
    case text(String)
    case number(DecimalNumber)

    var text: String {
        switch self {
        case .text(let text): text
        case .number(let number): number.lexical
        }
    }
}

/// A position in a partner document as field paths see it: an XML element (paths step through
/// child elements of the message's namespace) or a JSON value (paths step through members,
/// arrays give one cursor per item).
struct DocumentCursor {
    enum Node {
        case xml(ElementNode)
        case json(JSONValue)
    }

    let node: Node
    let namespace: String?
    /// Where the cursor is, for error details (`/LicenceDecision/ApprovedGoodsLines/ApprovedGoodsLine[2]`, `/goodsLines/1`).
    let location: String

    static func xml(_ element: ElementNode, namespace: String?) -> DocumentCursor {
        DocumentCursor(node: .xml(element), namespace: namespace, location: element.path)
    }

    static func json(_ value: JSONValue) -> DocumentCursor {
        DocumentCursor(node: .json(value), namespace: nil, location: "")
    }

    /// The elements or values at `path`, ignoring any final attribute.
    func select(_ path: DocumentPath) -> [DocumentCursor] {
        var current = [self]
        for step in path.steps {
            current = current.flatMap { $0.children(named: step) }
        }
        return current
    }

    private func children(named name: String) -> [DocumentCursor] {
        switch node {
        case .xml(let element):
            let matches = element.children(name, namespace: namespace)
            return matches.enumerated().map { index, child in
                DocumentCursor(node: .xml(child), namespace: namespace,
                               location: matches.count > 1 ? "\(location)/\(name)[\(index + 1)]" : "\(location)/\(name)")
            }
        case .json(let value):
            guard let member = value[name] else { return [] }
            let base = "\(location)/\(name)"
            if case .array(let items) = member {
                return items.enumerated().map { DocumentCursor(node: .json($1), namespace: nil, location: "\(base)/\($0)") }
            }
            return [DocumentCursor(node: .json(member), namespace: nil, location: base)]
        }
    }

    /// The single value at `path`, or nil when it is absent.
    func value(_ path: DocumentPath) -> (RawValue, String)? {
        guard let target = select(path).first else { return nil }
        switch target.node {
        case .xml(let element):
            if let attribute = path.attribute {
                return element.attribute(attribute).map { (.text($0), "\(target.location)/@\(attribute)") }
            }
            return (.text(element.textContent), target.location)
        case .json(let value):
            switch value {
            case .string(let text): return (.text(text), target.location)
            case .number(let number): return (.number(number), target.location)
            case .bool(let flag): return (.text(flag ? "true" : "false"), target.location)
            default: return nil
            }
        }
    }

    /// The location `path` would have, for errors about something absent.
    func location(of path: DocumentPath) -> String {
        let elements = path.steps.joined(separator: "/")
        var result = location
        if !elements.isEmpty { result += (result.hasSuffix("/") ? "" : "/") + elements }
        if let attribute = path.attribute { result += "/@\(attribute)" }
        return result.isEmpty ? "/" : result
    }
}
