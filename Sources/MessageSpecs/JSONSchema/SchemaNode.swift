import Foundation
import GatewayCore

/// One compiled (sub)schema. Written once by the compiler, then only read.
final class SchemaNode: @unchecked Sendable {
    var alwaysValid: Bool?
    var reference: String?
    var referenced: SchemaNode?
    var types: Set<String>?
    var enumeration: [JSONValue]?
    var constant: JSONValue?
    var properties: [(String, SchemaNode)] = []
    var required: [String] = []
    var additionalProperties: SchemaNode?
    var items: SchemaNode?
    var minItems: Int?
    var maxItems: Int?
    var uniqueItems = false
    var minLength: Int?
    var maxLength: Int?
    var pattern: (source: String, expression: NSRegularExpression)?
    var minimum: DecimalNumber?
    var maximum: DecimalNumber?
    var exclusiveMinimum: DecimalNumber?
    var exclusiveMaximum: DecimalNumber?
    var multipleOf: DecimalNumber?
    var format: String?
    var allOf: [SchemaNode] = []
    var anyOf: [SchemaNode] = []
    var oneOf: [SchemaNode] = []
    var not: SchemaNode?
    var condition: SchemaNode?
    var then: SchemaNode?
    var otherwise: SchemaNode?
    var dependentRequired: [(String, [String])] = []
    var minProperties: Int?
    var maxProperties: Int?

    /// This node, or the one its `$ref` points to when it has nothing else.
    var resolved: SchemaNode {
        if let referenced, properties.isEmpty, items == nil { return referenced.resolved }
        return self
    }

    func property(_ name: String) -> SchemaNode? {
        if let found = properties.first(where: { $0.0 == name })?.1 { return found }
        for part in allOf + anyOf + oneOf + [then, otherwise].compactMap({ $0 }) {
            if let found = part.resolved.property(name) { return found }
        }
        return referenced?.property(name)
    }

    func isValid(_ value: JSONValue) -> Bool {
        var scratch: [ErrorDetail] = []
        validate(value, at: "", errors: &scratch)
        return scratch.isEmpty
    }

    func validate(_ value: JSONValue, at path: String, errors: inout [ErrorDetail]) {
        if let alwaysValid {
            if !alwaysValid { errors.append(ErrorDetail(path: path, message: "no value is allowed here")) }
            return
        }
        referenced?.validate(value, at: path, errors: &errors)
        if let types, !types.contains(value.typeName), !(value.typeName == "integer" && types.contains("number")) {
            errors.append(ErrorDetail(path: path, message: "must be \(types.sorted().joined(separator: " or ")), not \(value.typeName)"))
            return
        }
        if let constant, constant != value {
            errors.append(ErrorDetail(path: path, message: "must be \(SchemaNode.show(constant))"))
        }
        if let enumeration, !enumeration.contains(value) {
            errors.append(ErrorDetail(path: path, message: "must be one of \(enumeration.map(SchemaNode.show).joined(separator: ", ")), not \(SchemaNode.show(value))"))
        }
        switch value {
        case .object(let object): validateObject(object, at: path, errors: &errors)
        case .array(let elements): validateArray(elements, at: path, errors: &errors)
        case .string(let text): validateString(text, at: path, errors: &errors)
        case .number(let number): validateNumber(number, at: path, errors: &errors)
        case .null, .bool: break
        }
        for part in allOf { part.validate(value, at: path, errors: &errors) }
        if !anyOf.isEmpty, !anyOf.contains(where: { $0.isValid(value) }) {
            var first: [ErrorDetail] = []
            anyOf[0].validate(value, at: path, errors: &first)
            errors.append(ErrorDetail(path: path, message: "matches none of the allowed forms (\(first.map(\.description).joined(separator: "; ")))"))
        }
        if !oneOf.isEmpty {
            let matching = oneOf.filter { $0.isValid(value) }.count
            if matching != 1 {
                errors.append(ErrorDetail(path: path, message: matching == 0 ? "matches none of the allowed forms" : "matches \(matching) of the forms where exactly one is allowed"))
            }
        }
        if let not, not.isValid(value) {
            errors.append(contentsOf: SchemaNode.explainNot(not, value: value, at: path))
        }
        if let condition {
            if condition.isValid(value) {
                then?.validate(value, at: path, errors: &errors)
            } else {
                otherwise?.validate(value, at: path, errors: &errors)
            }
        }
    }

    private func validateObject(_ object: JSONObject, at path: String, errors: inout [ErrorDetail]) {
        for name in required where object[name] == nil {
            errors.append(ErrorDetail(path: "\(path)/\(SchemaNode.escape(name))", message: "is required"))
        }
        for (name, names) in dependentRequired where object[name] != nil {
            for missing in names where object[missing] == nil {
                errors.append(ErrorDetail(path: "\(path)/\(SchemaNode.escape(missing))", message: "is required when \(name) is present"))
            }
        }
        if let minProperties, object.count < minProperties {
            errors.append(ErrorDetail(path: path, message: "must have at least \(minProperties) members"))
        }
        if let maxProperties, object.count > maxProperties {
            errors.append(ErrorDetail(path: path, message: "must have at most \(maxProperties) members"))
        }
        for member in object {
            let memberPath = "\(path)/\(SchemaNode.escape(member.key))"
            if let schema = properties.first(where: { $0.0 == member.key })?.1 {
                schema.validate(member.value, at: memberPath, errors: &errors)
            } else if let additionalProperties {
                if additionalProperties.alwaysValid == false {
                    errors.append(ErrorDetail(path: memberPath, message: "is not allowed (unknown member)"))
                } else {
                    additionalProperties.validate(member.value, at: memberPath, errors: &errors)
                }
            }
        }
    }

    private func validateArray(_ elements: [JSONValue], at path: String, errors: inout [ErrorDetail]) {
        if let minItems, elements.count < minItems {
            errors.append(ErrorDetail(path: path, message: "must have at least \(minItems) item\(minItems == 1 ? "" : "s"), not \(elements.count)"))
        }
        if let maxItems, elements.count > maxItems {
            errors.append(ErrorDetail(path: path, message: "must have at most \(maxItems) items, not \(elements.count)"))
        }
        if uniqueItems, Set(elements).count != elements.count {
            errors.append(ErrorDetail(path: path, message: "must not repeat an item"))
        }
        if let items {
            for (index, element) in elements.enumerated() { items.validate(element, at: "\(path)/\(index)", errors: &errors) }
        }
    }

    private func validateString(_ text: String, at path: String, errors: inout [ErrorDetail]) {
        if minLength != nil || maxLength != nil {
            let length = text.unicodeScalars.count
            if let minLength, length < minLength {
                errors.append(ErrorDetail(path: path, message: minLength == 1 ? "must not be empty" : "must be at least \(minLength) characters long"))
            }
            if let maxLength, length > maxLength {
                errors.append(ErrorDetail(path: path, message: "must be at most \(maxLength) characters long, not \(length)"))
            }
        }
        if let pattern {
            let range = NSRange(text.startIndex..., in: text)
            if pattern.expression.firstMatch(in: text, range: range) == nil {
                errors.append(ErrorDetail(path: path, message: "\"\(text)\" does not match the pattern \(pattern.source)"))
            }
        }
        if let format, !Formats.isValid(text, format: format) {
            errors.append(ErrorDetail(path: path, message: "\"\(text)\" is not a valid \(format)"))
        }
    }

    private func validateNumber(_ number: DecimalNumber, at path: String, errors: inout [ErrorDetail]) {
        if let minimum, number < minimum { errors.append(ErrorDetail(path: path, message: "must be at least \(minimum.json), not \(number.json)")) }
        if let maximum, number > maximum { errors.append(ErrorDetail(path: path, message: "must be at most \(maximum.json), not \(number.json)")) }
        if let exclusiveMinimum, number <= exclusiveMinimum {
            errors.append(ErrorDetail(path: path, message: "must be greater than \(exclusiveMinimum.json), not \(number.json)"))
        }
        if let exclusiveMaximum, number >= exclusiveMaximum {
            errors.append(ErrorDetail(path: path, message: "must be less than \(exclusiveMaximum.json), not \(number.json)"))
        }
        if let multipleOf, !DecimalNumber((number.value / multipleOf.value)).isInteger {
            errors.append(ErrorDetail(path: path, message: "must be a multiple of \(multipleOf.json)"))
        }
    }

    /// "must not contain revokedAt" reads better than "matches a forbidden schema".
    private static func explainNot(_ schema: SchemaNode, value: JSONValue, at path: String) -> [ErrorDetail] {
        let forbidden = ([schema] + schema.anyOf).flatMap(\.required)
        let present = forbidden.filter { value[$0] != nil }
        if !present.isEmpty {
            return present.map { ErrorDetail(path: "\(path)/\(escape($0))", message: "is not allowed here") }
        }
        return [ErrorDetail(path: path, message: "matches a form that is not allowed")]
    }

    static func show(_ value: JSONValue) -> String {
        String(decoding: JSONWriter.compact(value), as: UTF8.self)
    }

    static func escape(_ name: String) -> String {
        guard name.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return name }
        return name.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
}
