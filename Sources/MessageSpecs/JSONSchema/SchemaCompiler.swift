import Foundation
import GatewayCore

/// Turns a schema document into `SchemaNode`s, resolving `$ref`s within the same file.
struct SchemaCompiler {
    let document: JSONValue
    let source: String
    private var pending: [SchemaNode] = []
    private var compiled: [String: SchemaNode] = [:]

    init(document: JSONValue, source: String) {
        self.document = document
        self.source = source
    }

    private func failure(_ pointer: String, _ message: String) -> GatewayError {
        GatewayError(.configurationInvalid, "The JSON Schema \(source) cannot be used at \(pointer): \(message).")
    }

    mutating func compile(_ value: JSONValue, pointer: String) throws(GatewayError) -> SchemaNode {
        if let known = compiled[pointer] { return known }
        let node = SchemaNode()
        compiled[pointer] = node
        if case .bool(let flag) = value {
            node.alwaysValid = flag
            return node
        }
        guard let object = value.objectValue else { throw failure(pointer, "a schema must be an object or a boolean") }
        for member in object {
            let key = member.key, value = member.value
            let here = "\(pointer)/\(SchemaNode.escape(key))"
            guard JSONSchema.validationKeywords.contains(key) || JSONSchema.annotations.contains(key) else {
                throw failure(here, "the keyword \"\(key)\" is not supported by the gateway's validator")
            }
            if JSONSchema.validationKeywords.contains(key) { node.keywords.insert(key) }
            switch key {
            case "type":
                let names = value.stringValue.map { [$0] } ?? value.arrayValue?.compactMap(\.stringValue) ?? []
                guard !names.isEmpty else { throw failure(here, "type must be a name or a list of names") }
                node.types = Set(names)
            case "enum":
                guard let values = value.arrayValue else { throw failure(here, "enum must be a list") }
                node.enumeration = values
            case "const": node.constant = value
            case "properties":
                guard let members = value.objectValue else { throw failure(here, "properties must be an object") }
                for property in members {
                    node.properties.append((property.key, try compile(property.value, pointer: "\(here)/\(SchemaNode.escape(property.key))")))
                }
            case "required": node.required = try strings(value, here)
            case "additionalProperties": node.additionalProperties = try compile(value, pointer: here)
            case "items": node.items = try compile(value, pointer: here)
            case "minItems": node.minItems = try integer(value, here)
            case "maxItems": node.maxItems = try integer(value, here)
            case "uniqueItems": node.uniqueItems = value == .bool(true)
            case "minLength": node.minLength = try integer(value, here)
            case "maxLength": node.maxLength = try integer(value, here)
            case "minProperties": node.minProperties = try integer(value, here)
            case "maxProperties": node.maxProperties = try integer(value, here)
            case "pattern":
                guard let text = value.stringValue else { throw failure(here, "pattern must be a string") }
                do {
                    node.pattern = (text, try NSRegularExpression(pattern: text))
                } catch {
                    throw failure(here, "the pattern \(text) is not a valid regular expression")
                }
            case "minimum": node.minimum = try number(value, here)
            case "maximum": node.maximum = try number(value, here)
            case "exclusiveMinimum": node.exclusiveMinimum = try number(value, here)
            case "exclusiveMaximum": node.exclusiveMaximum = try number(value, here)
            case "multipleOf": node.multipleOf = try number(value, here)
            case "format": node.format = value.stringValue
            case "allOf": node.allOf = try list(value, here)
            case "anyOf": node.anyOf = try list(value, here)
            case "oneOf": node.oneOf = try list(value, here)
            case "not": node.not = try compile(value, pointer: here)
            case "if": node.condition = try compile(value, pointer: here)
            case "then": node.then = try compile(value, pointer: here)
            case "else": node.otherwise = try compile(value, pointer: here)
            case "$ref":
                guard let reference = value.stringValue, reference.hasPrefix("#") else {
                    throw failure(here, "only references within the same file (\"#/$defs/…\") are supported")
                }
                node.reference = reference
                pending.append(node)
            case "dependentRequired":
                guard let members = value.objectValue else { throw failure(here, "dependentRequired must be an object") }
                for member in members { node.dependentRequired.append((member.key, try strings(member.value, here))) }
            default:
                break
            }
        }
        return node
    }

    mutating func resolveReferences() throws(GatewayError) {
        while let node = pending.popLast() {
            guard let reference = node.reference else { continue }
            let target = try resolve(reference)
            node.referenced = try compile(target, pointer: reference)
        }
    }

    private func resolve(_ reference: String) throws(GatewayError) -> JSONValue {
        var current = document
        for token in reference.dropFirst().split(separator: "/", omittingEmptySubsequences: true) {
            let name = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            if let object = current.objectValue, let next = object[name] {
                current = next
            } else if let array = current.arrayValue, let index = Int(name), array.indices.contains(index) {
                current = array[index]
            } else {
                throw failure(reference, "the reference does not point into this schema")
            }
        }
        return current
    }

    private mutating func list(_ value: JSONValue, _ pointer: String) throws(GatewayError) -> [SchemaNode] {
        guard let values = value.arrayValue, !values.isEmpty else { throw failure(pointer, "must be a non-empty list of schemas") }
        var nodes: [SchemaNode] = []
        for (index, element) in values.enumerated() { nodes.append(try compile(element, pointer: "\(pointer)/\(index)")) }
        return nodes
    }

    private func strings(_ value: JSONValue, _ pointer: String) throws(GatewayError) -> [String] {
        guard let values = value.arrayValue, values.allSatisfy({ $0.stringValue != nil }) else {
            throw failure(pointer, "must be a list of names")
        }
        return values.compactMap(\.stringValue)
    }

    private func integer(_ value: JSONValue, _ pointer: String) throws(GatewayError) -> Int {
        guard let number = value.numberValue?.intValue, number >= 0 else { throw failure(pointer, "must be a non-negative integer") }
        return number
    }

    private func number(_ value: JSONValue, _ pointer: String) throws(GatewayError) -> DecimalNumber {
        guard let number = value.numberValue else { throw failure(pointer, "must be a number") }
        return number
    }
}
