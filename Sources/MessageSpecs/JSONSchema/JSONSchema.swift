import Foundation
import GatewayCore

/// A JSON Schema (draft 2020-12) compiled once and used by any number of validations at a time.
/// It implements the keywords partner schemas use; a schema with a validation keyword outside
/// that set is refused when loaded, so that no rule of a partner is silently not enforced.
public final class JSONSchema: Sendable {
    let root: SchemaNode
    public let source: String

    /// Annotations that never affect validation.
    static let annotations: Set<String> = ["$schema", "$id", "$comment", "title", "description", "examples", "default",
                                           "deprecated", "readOnly", "writeOnly", "$defs", "definitions", "$anchor"]
    static let validationKeywords: Set<String> = [
        "type", "enum", "const", "properties", "required", "additionalProperties", "items", "minItems", "maxItems",
        "uniqueItems", "minLength", "maxLength", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
        "multipleOf", "format", "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "$ref", "dependentRequired",
        "minProperties", "maxProperties",
    ]

    public init(_ document: JSONValue, source: String) throws(GatewayError) {
        self.source = source
        var compiler = SchemaCompiler(document: document, source: source)
        root = try compiler.compile(document, pointer: "#")
        try compiler.resolveReferences()
    }

    public convenience init(file path: String) throws(GatewayError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GatewayError(.configurationInvalid, "The JSON Schema \(path) cannot be read.")
        }
        let document: JSONValue
        do {
            document = try JSONParser().parse(Array(data))
        } catch {
            throw GatewayError(.configurationInvalid, "The JSON Schema \(path) is not valid JSON: \(error.message) (\(error.details.first?.path ?? ""))")
        }
        try self.init(document, source: path)
    }

    /// Every violation, each with the JSON Pointer of the offending value.
    public func validate(_ value: JSONValue) -> [ErrorDetail] {
        var errors: [ErrorDetail] = []
        var trail = JSONPointerTrail()
        root.validate(value, at: &trail, errors: &errors)
        return errors
    }

    /// The schema of the value at `path` (members separated by `/`, `[]` for array items), for
    /// checking that a spec's paths exist; nil when the schema has no such member.
    func node(at path: [String]) -> SchemaNode? {
        var current = root
        for step in path {
            if step == "[]" {
                guard let items = current.resolved.items else { return nil }
                current = items
            } else {
                guard let next = current.resolved.property(step) else { return nil }
                current = next
            }
        }
        return current
    }

    public func hasMember(at path: [String]) -> Bool { node(at: path) != nil }
}
