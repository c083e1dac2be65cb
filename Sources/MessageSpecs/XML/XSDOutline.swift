import Foundation
import GatewayCore
import HardenedXML

/// The element structure an XSD declares (children in order, attributes), read from the schema
/// files for two purposes: checking that a spec's paths exist, and writing elements in the order
/// the schema requires. It understands the constructs partner schemas use: elements, named and
/// anonymous complex types, sequence, choice, group and attributeGroup references, simple and
/// complex content extensions, attributes, `xs:any` and `xs:include`.
final class XSDOutline: @unchecked Sendable {
    /// One element's content: its child elements in schema order and its attributes.
    final class Node: @unchecked Sendable {
        var children: [(name: String, node: Node)] = []
        var attributes: Set<String> = []
        /// Children a schema allows as `xs:any` (the trailing `ds:Signature`).
        var allowsAny = false

        func child(_ name: String) -> Node? { children.first { $0.name == name }?.node }
        func order(of name: String) -> Int? { children.firstIndex { $0.name == name } }
    }

    private static let xs = "http://www.w3.org/2001/XMLSchema"
    private var globalElements: [String: ElementNode] = [:]
    private var complexTypes: [String: ElementNode] = [:]
    private var groups: [String: ElementNode] = [:]
    private var attributeGroups: [String: ElementNode] = [:]
    private var documents: [ParsedDocument] = []
    private var resolved: [String: Node] = [:]

    init(file: String) throws(GatewayError) {
        try read(file, seen: [])
    }

    private func read(_ file: String, seen: Set<String>) throws(GatewayError) {
        let path = (file as NSString).standardizingPath
        guard !seen.contains(path) else { return }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GatewayError(.configurationInvalid, "The XML schema \(path) cannot be read.")
        }
        let document = try HardenedXMLParser(limits: XMLParsingLimits(maximumBytes: 10_000_000, maximumDepth: 128)).parse(Array(data))
        documents.append(document)
        guard let schema = document.rootElement else { return }
        for declaration in schema.childElements where declaration.namespaceURI == Self.xs {
            let name = declaration.attribute("name") ?? ""
            switch declaration.localName {
            case "element": globalElements[name] = declaration
            case "complexType": complexTypes[name] = declaration
            case "group": groups[name] = declaration
            case "attributeGroup": attributeGroups[name] = declaration
            case "include":
                if let location = declaration.attribute("schemaLocation") {
                    try read(((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(location), seen: seen.union([path]))
                }
            default: break
            }
        }
    }

    /// The outline of the document element `name`.
    func root(_ name: String) -> Node? {
        guard let declaration = globalElements[name] else { return nil }
        return node(for: declaration, key: "element:\(name)")
    }

    private static func local(_ qualified: String) -> String {
        qualified.split(separator: ":").last.map(String.init) ?? qualified
    }

    private func node(for element: ElementNode, key: String) -> Node {
        if let known = resolved[key] { return known }
        let node = Node()
        resolved[key] = node
        if let type = element.attribute("type") {
            if let named = complexTypes[Self.local(type)], !type.hasPrefix("xs:") {
                fill(node, from: named)
            }
        } else if let anonymous = element.firstChild("complexType", namespace: Self.xs) {
            fill(node, from: anonymous)
        }
        return node
    }

    /// Adds the content of a complexType (or group, or extension) to `node`.
    private func fill(_ node: Node, from declaration: ElementNode) {
        for part in declaration.childElements where part.namespaceURI == Self.xs {
            switch part.localName {
            case "sequence", "choice", "all":
                fill(node, from: part)
            case "element":
                if let name = part.attribute("name") {
                    node.children.append((name, self.node(for: part, key: "local:\(UInt(bitPattern: part.pointer))")))
                } else if let reference = part.attribute("ref"), let global = globalElements[Self.local(reference)] {
                    node.children.append((Self.local(reference), self.node(for: global, key: "element:\(Self.local(reference))")))
                }
            case "group":
                if let reference = part.attribute("ref"), let group = groups[Self.local(reference)] { fill(node, from: group) }
            case "any":
                node.allowsAny = true
            case "attribute":
                if let name = part.attribute("name") { node.attributes.insert(name) }
            case "attributeGroup":
                if let reference = part.attribute("ref"), let group = attributeGroups[Self.local(reference)] { fill(node, from: group) }
            case "simpleContent", "complexContent":
                fill(node, from: part)
            case "extension", "restriction":
                if let base = part.attribute("base"), !base.hasPrefix("xs:"), let type = complexTypes[Self.local(base)] {
                    fill(node, from: type)
                }
                fill(node, from: part)
            default:
                break
            }
        }
    }
}
