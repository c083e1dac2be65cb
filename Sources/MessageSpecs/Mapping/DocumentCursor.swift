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

/// How a cursor was reached, kept as links and spelled out only when an error needs it: most
/// reads succeed, and building every location string up front was most of a read's cost.
final class CursorTrail {
    enum Origin {
        /// The root of a JSON document, whose location is empty.
        case jsonRoot
        /// The element a read starts from; its path is spelled out only for an error.
        case start(ElementNode)
        /// A child element: `name`, or `name[n]` when it has same-named siblings.
        case element(parent: CursorTrail, name: String, node: ElementNode, namespace: String?)
        /// A member of a JSON object.
        case member(parent: CursorTrail, name: String)
        /// An item of a JSON array, `/0`, `/1`, ….
        case item(parent: CursorTrail, index: Int)
    }

    let origin: Origin

    init(_ origin: Origin) {
        self.origin = origin
    }

    var location: String {
        switch origin {
        case .jsonRoot: ""
        case .start(let element): element.path
        case .element(let parent, let name, let node, let namespace):
            "\(parent.location)/\(name)" + Self.position(of: node, named: name, namespace: namespace)
        case .member(let parent, let name): "\(parent.location)/\(name)"
        case .item(let parent, let index): "\(parent.location)/\(index)"
        }
    }

    private static func position(of node: ElementNode, named name: String, namespace: String?) -> String {
        guard let siblings = node.parent?.children(name, namespace: namespace), siblings.count > 1,
              let index = siblings.firstIndex(where: { $0.pointer == node.pointer }) else { return "" }
        return "[\(index + 1)]"
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
    let trail: CursorTrail

    /// Where the cursor is, for error details (`/LicenceDecision/ApprovedGoodsLines/ApprovedGoodsLine[2]`, `/goodsLines/1`).
    var location: String { trail.location }

    static func xml(_ element: ElementNode, namespace: String?) -> DocumentCursor {
        DocumentCursor(node: .xml(element), namespace: namespace, trail: CursorTrail(.start(element)))
    }

    static func json(_ value: JSONValue) -> DocumentCursor {
        DocumentCursor(node: .json(value), namespace: nil, trail: CursorTrail(.jsonRoot))
    }

    /// The elements or values at `path`, ignoring any final attribute.
    func select(_ path: DocumentPath) -> [DocumentCursor] {
        var current = [self]
        for step in path.steps {
            current = current.flatMap { $0.children(named: step) }
        }
        return current
    }

    /// The first element or value at `path`, without collecting the others.
    func first(_ path: DocumentPath) -> DocumentCursor? {
        var cursor = self
        for step in path.steps {
            guard let next = cursor.firstChild(named: step) else { return nil }
            cursor = next
        }
        return cursor
    }

    private func children(named name: String) -> [DocumentCursor] {
        switch node {
        case .xml(let element):
            return element.children(name, namespace: namespace).map { child in
                DocumentCursor(node: .xml(child), namespace: namespace,
                               trail: CursorTrail(.element(parent: trail, name: name, node: child, namespace: namespace)))
            }
        case .json(let value):
            guard let member = value[name] else { return [] }
            let memberTrail = CursorTrail(.member(parent: trail, name: name))
            if case .array(let items) = member {
                return items.enumerated().map { DocumentCursor(node: .json($1), namespace: nil, trail: CursorTrail(.item(parent: memberTrail, index: $0))) }
            }
            return [DocumentCursor(node: .json(member), namespace: nil, trail: memberTrail)]
        }
    }

    private func firstChild(named name: String) -> DocumentCursor? {
        switch node {
        case .xml(let element):
            guard let child = element.firstChild(name, namespace: namespace) else { return nil }
            return DocumentCursor(node: .xml(child), namespace: namespace,
                                  trail: CursorTrail(.element(parent: trail, name: name, node: child, namespace: namespace)))
        case .json:
            return children(named: name).first
        }
    }

    /// The single value at `path`, or nil when it is absent. Its location is not worked out here
    /// (`location(ofValueAt:)` does, for an error): in an XML document the elements are walked
    /// as they are, without a cursor and a trail for every step.
    func value(_ path: DocumentPath) -> RawValue? {
        switch node {
        case .xml(var element):
            for step in path.steps {
                guard let child = element.firstChild(step, namespace: namespace) else { return nil }
                element = child
            }
            if let attribute = path.attribute { return element.attribute(attribute).map(RawValue.text) }
            return .text(element.textContent)
        case .json:
            guard let target = first(path), case .json(let value) = target.node else { return nil }
            switch value {
            case .string(let text): return .text(text)
            case .number(let number): return .number(number)
            case .bool(let flag): return .text(flag ? "true" : "false")
            default: return nil
            }
        }
    }

    /// Where the value at `path` is (or would be, when absent).
    func location(ofValueAt path: DocumentPath) -> String {
        guard let target = first(path) else { return location(of: path) }
        return target.location + (path.attribute.map { "/@\($0)" } ?? "")
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
