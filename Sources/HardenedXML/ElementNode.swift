import CLibXML2
#if canImport(Glibc)
import Glibc
#endif

/// A read-only view of one element of a `ParsedDocument`; valid while the document lives.
public struct ElementNode {
    public let pointer: xmlNodePtr

    public init(_ pointer: xmlNodePtr) {
        self.pointer = pointer
    }

    public var localName: String { String(cString: pointer.pointee.name) }

    public var namespaceURI: String? {
        pointer.pointee.ns.flatMap { $0.pointee.href }.map { String(cString: $0) }
    }

    public var prefix: String? {
        pointer.pointee.ns.flatMap { $0.pointee.prefix }.map { String(cString: $0) }
    }

    /// `prefix:local` as written in the document, for messages and paths.
    public var qualifiedName: String {
        prefix.map { "\($0):\(localName)" } ?? localName
    }

    /// Compares the C strings in place: this runs for every element on hot paths.
    public func isElement(_ localName: String, namespace: String?) -> Bool {
        guard let name = pointer.pointee.name, Self.spells(localName, name) else { return false }
        let href = pointer.pointee.ns?.pointee.href
        switch (namespace, href) {
        case (nil, nil): return true
        case let (namespace?, href?): return Self.spells(namespace, href)
        default: return false
        }
    }

    /// Whether `text` is the C string. Siblings mostly differ in their first letter, told apart
    /// before `strcmp` is called.
    private static func spells(_ text: String, _ cString: UnsafePointer<xmlChar>) -> Bool {
        text.withCString { wanted in
            let other = UnsafeRawPointer(cString).assumingMemoryBound(to: CChar.self)
            return wanted.pointee == other.pointee && strcmp(wanted, other) == 0
        }
    }

    public var childElements: [ElementNode] {
        var result: [ElementNode] = []
        var child = pointer.pointee.children
        while let node = child {
            if node.pointee.type == XML_ELEMENT_NODE { result.append(ElementNode(node)) }
            child = node.pointee.next
        }
        return result
    }

    public func children(_ localName: String, namespace: String?) -> [ElementNode] {
        var result: [ElementNode] = []
        var child = pointer.pointee.children
        while let node = child {
            if node.pointee.type == XML_ELEMENT_NODE, ElementNode(node).isElement(localName, namespace: namespace) { result.append(ElementNode(node)) }
            child = node.pointee.next
        }
        return result
    }

    public func firstChild(_ localName: String, namespace: String?) -> ElementNode? {
        var child = pointer.pointee.children
        while let node = child {
            if node.pointee.type == XML_ELEMENT_NODE, ElementNode(node).isElement(localName, namespace: namespace) { return ElementNode(node) }
            child = node.pointee.next
        }
        return nil
    }

    public var parent: ElementNode? {
        guard let parent = pointer.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return nil }
        return ElementNode(parent)
    }

    /// The value of an attribute without a namespace, or nil when it is absent.
    public func attribute(_ name: String) -> String? {
        guard let value = xmlGetNoNsProp(pointer, name) else { return nil }
        defer { gateway_xmlFree(value) }
        return String(cString: value)
    }

    /// Every attribute as (qualified name, value), in document order.
    public var attributes: [(name: String, value: String)] {
        var result: [(String, String)] = []
        var attribute = pointer.pointee.properties
        while let current = attribute {
            let local = String(cString: current.pointee.name)
            let name = current.pointee.ns.flatMap { $0.pointee.prefix }.map { "\(String(cString: $0)):\(local)" } ?? local
            let value = xmlNodeGetContent(UnsafeMutableRawPointer(current).assumingMemoryBound(to: xmlNode.self))
            result.append((name, value.map { String(cString: $0) } ?? ""))
            if let value { gateway_xmlFree(value) }
            attribute = current.pointee.next
        }
        return result
    }

    /// The concatenated text of the element and its descendants.
    public var textContent: String {
        // A leaf's one text child is read in place: gathering it into a new buffer first was a
        // good part of reading a document's fields.
        if let child = pointer.pointee.children, child.pointee.next == nil,
           child.pointee.type == XML_TEXT_NODE || child.pointee.type == XML_CDATA_SECTION_NODE, let text = child.pointee.content {
            return String(cString: text)
        }
        guard pointer.pointee.children != nil else { return "" }
        guard let content = xmlNodeGetContent(pointer) else { return "" }
        defer { gateway_xmlFree(content) }
        return String(cString: content)
    }

    /// Every descendant element (not this one) that meets `predicate`, in document order.
    public func descendants(where predicate: (ElementNode) -> Bool) -> [ElementNode] {
        var result: [ElementNode] = []
        var node = pointer.pointee.children
        while let current = node {
            if current.pointee.type == XML_ELEMENT_NODE {
                let element = ElementNode(current)
                if predicate(element) { result.append(element) }
                if let child = current.pointee.children {
                    node = child
                    continue
                }
            }
            node = ElementNode.nextInDocumentOrder(after: current, within: pointer)
        }
        return result
    }

    /// The next node after `node`'s subtree, without leaving `root`'s subtree.
    private static func nextInDocumentOrder(after node: xmlNodePtr, within root: xmlNodePtr) -> xmlNodePtr? {
        var current = node
        while current != root {
            if let sibling = current.pointee.next { return sibling }
            guard let parent = current.pointee.parent else { return nil }
            current = parent
        }
        return nil
    }

    /// An XPath-like location such as `/LicenceDecision/ds:Signature[1]/ds:SignedInfo`, for error details.
    public var path: String {
        var steps: [String] = []
        var current: ElementNode? = self
        while let node = current {
            let siblings = node.parent?.children(node.localName, namespace: node.namespaceURI) ?? [node]
            if siblings.count > 1, let index = siblings.firstIndex(where: { $0.pointer == node.pointer }) {
                steps.append("\(node.qualifiedName)[\(index + 1)]")
            } else {
                steps.append(node.qualifiedName)
            }
            current = node.parent
        }
        return "/" + steps.reversed().joined(separator: "/")
    }
}
