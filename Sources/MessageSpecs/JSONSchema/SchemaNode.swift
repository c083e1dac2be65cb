import Foundation
import GatewayCore

/// One compiled (sub)schema. Written once by the compiler, then only read.
final class SchemaNode: @unchecked Sendable {
    var alwaysValid: Bool?
    /// The validation keywords the schema object has (no annotations).
    var keywords: Set<String> = [] { didSet { hasApplicators = !keywords.isDisjoint(with: Self.applicatorKeywords) } }
    /// Most nodes have none: their values skip the applicators' checks altogether.
    private(set) var hasApplicators = false
    static let applicatorKeywords: Set<String> = ["allOf", "anyOf", "oneOf", "not", "if", "then", "else"]
    var reference: String?
    var referenced: SchemaNode?
    var types: Set<String>? { didSet { typeMask = types.map(JSONTypeMask.init) } }
    private(set) var typeMask: JSONTypeMask?
    var enumeration: [JSONValue]?
    var constant: JSONValue?
    var properties: [(String, SchemaNode)] = [] { didSet { indexRequired() } }
    var required: [String] = [] { didSet { indexRequired() } }
    var additionalProperties: SchemaNode?
    var items: SchemaNode?
    var minItems: Int?
    var maxItems: Int?
    var uniqueItems = false
    var minLength: Int?
    var maxLength: Int?
    var pattern: (source: String, expression: NSRegularExpression)? { didSet { automaton = pattern.flatMap { PatternAutomaton($0.source) } } }
    /// The pattern as an automaton, when it is within the subset one can be built for.
    private var automaton: PatternAutomaton?
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

    /// One bit per property that is required (the first 64 properties), so that an object's
    /// required members are counted while its members are checked instead of looked up again.
    private var requiredProperties: UInt64 = 0
    /// Every required name has its bit above.
    private var requiredAllIndexed = true

    private func indexRequired() {
        requiredProperties = 0
        requiredAllIndexed = true
        for name in required {
            if let index = properties.firstIndex(where: { $0.0 == name }), index < 64 {
                requiredProperties |= 1 << UInt64(index)
            } else {
                requiredAllIndexed = false
            }
        }
    }

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
        var trail = JSONPointerTrail()
        validate(value, at: &trail, errors: &scratch)
        return scratch.isEmpty
    }

    /// Appends every violation in `value`, each at the JSON Pointer of `trail` (written only for
    /// a violation: a valid record costs no path).
    func validate(_ value: JSONValue, at trail: inout JSONPointerTrail, errors: inout [ErrorDetail]) {
        if let alwaysValid {
            if !alwaysValid { errors.append(ErrorDetail(path: trail.pointer, message: "no value is allowed here")) }
            return
        }
        referenced?.validate(value, at: &trail, errors: &errors)
        if let typeMask, !typeMask.admits(value) {
            errors.append(ErrorDetail(path: trail.pointer, message: "must be \((types ?? []).sorted().joined(separator: " or ")), not \(value.typeName)"))
            return
        }
        if let constant, constant != value {
            errors.append(ErrorDetail(path: trail.pointer, message: "must be \(SchemaNode.show(constant))"))
        }
        if let enumeration, !enumeration.contains(value) {
            errors.append(ErrorDetail(path: trail.pointer, message: "must be one of \(enumeration.map(SchemaNode.show).joined(separator: ", ")), not \(SchemaNode.show(value))"))
        }
        switch value {
        case .object(let object): validateObject(object, at: &trail, errors: &errors)
        case .array(let elements): validateArray(elements, at: &trail, errors: &errors)
        case .string(let text): validateString(text, at: trail, errors: &errors)
        case .number(let number): validateNumber(number, at: trail, errors: &errors)
        case .null, .bool: break
        }
        validateApplicators(value, at: &trail, errors: &errors)
    }

    /// Whether the subschemas applied to the value itself (`allOf`, `anyOf`, `oneOf`, `not`,
    /// `if`) accept it.
    func applicatorsAccept(_ value: JSONValue) -> Bool {
        var scratch: [ErrorDetail] = []
        var trail = JSONPointerTrail()
        validateApplicators(value, at: &trail, errors: &scratch)
        return scratch.isEmpty
    }

    private func validateApplicators(_ value: JSONValue, at trail: inout JSONPointerTrail, errors: inout [ErrorDetail]) {
        guard hasApplicators else { return }
        for part in allOf { part.validate(value, at: &trail, errors: &errors) }
        if !anyOf.isEmpty, !anyOf.contains(where: { $0.isValid(value) }) {
            var first: [ErrorDetail] = []
            anyOf[0].validate(value, at: &trail, errors: &first)
            errors.append(ErrorDetail(path: trail.pointer, message: "matches none of the allowed forms (\(first.map(\.description).joined(separator: "; ")))"))
        }
        if !oneOf.isEmpty {
            let matching = oneOf.filter { $0.isValid(value) }.count
            if matching != 1 {
                errors.append(ErrorDetail(path: trail.pointer, message: matching == 0 ? "matches none of the allowed forms" : "matches \(matching) of the forms where exactly one is allowed"))
            }
        }
        if let not, not.isValid(value) {
            errors.append(contentsOf: SchemaNode.explainNot(not, value: value, at: trail.pointer))
        }
        if let condition {
            if condition.isValid(value) {
                then?.validate(value, at: &trail, errors: &errors)
            } else {
                otherwise?.validate(value, at: &trail, errors: &errors)
            }
        }
    }

    private func validateObject(_ object: JSONObject, at trail: inout JSONPointerTrail, errors: inout [ErrorDetail]) {
        // The object-level violations come first; they are known only once the members were seen.
        let objectErrorsAt = errors.count
        var requiredSeen: UInt64 = 0
        // The gateway writes members in the schema's order: the next property is tried first.
        var next = 0
        for member in object.members {
            var found: Int?
            if next < properties.count, properties[next].0 == member.key {
                found = next
            } else {
                found = properties.firstIndex { $0.0 == member.key }
            }
            trail.enter(member.key)
            if let found {
                next = found + 1
                if found < 64 { requiredSeen |= 1 << UInt64(found) }
                properties[found].1.validate(member.value, at: &trail, errors: &errors)
            } else if let additionalProperties {
                if additionalProperties.alwaysValid == false {
                    errors.append(ErrorDetail(path: trail.pointer, message: "is not allowed (unknown member)"))
                } else {
                    additionalProperties.validate(member.value, at: &trail, errors: &errors)
                }
            }
            trail.leave()
        }
        var objectErrors: [ErrorDetail] = []
        if !requiredAllIndexed || requiredSeen & requiredProperties != requiredProperties {
            for name in required where object[name] == nil {
                objectErrors.append(ErrorDetail(path: "\(trail.pointer)/\(SchemaNode.escape(name))", message: "is required"))
            }
        }
        for (name, names) in dependentRequired where object[name] != nil {
            for missing in names where object[missing] == nil {
                objectErrors.append(ErrorDetail(path: "\(trail.pointer)/\(SchemaNode.escape(missing))", message: "is required when \(name) is present"))
            }
        }
        if let minProperties, object.count < minProperties {
            objectErrors.append(ErrorDetail(path: trail.pointer, message: "must have at least \(minProperties) members"))
        }
        if let maxProperties, object.count > maxProperties {
            objectErrors.append(ErrorDetail(path: trail.pointer, message: "must have at most \(maxProperties) members"))
        }
        if !objectErrors.isEmpty { errors.insert(contentsOf: objectErrors, at: objectErrorsAt) }
    }

    private func validateArray(_ elements: [JSONValue], at trail: inout JSONPointerTrail, errors: inout [ErrorDetail]) {
        if let minItems, elements.count < minItems {
            errors.append(ErrorDetail(path: trail.pointer, message: "must have at least \(minItems) item\(minItems == 1 ? "" : "s"), not \(elements.count)"))
        }
        if let maxItems, elements.count > maxItems {
            errors.append(ErrorDetail(path: trail.pointer, message: "must have at most \(maxItems) items, not \(elements.count)"))
        }
        if uniqueItems, Set(elements).count != elements.count {
            errors.append(ErrorDetail(path: trail.pointer, message: "must not repeat an item"))
        }
        if let items {
            for (index, element) in elements.enumerated() {
                trail.enter(index)
                items.validate(element, at: &trail, errors: &errors)
                trail.leave()
            }
        }
    }

    private func validateString(_ text: String, at trail: JSONPointerTrail, errors: inout [ErrorDetail]) {
        if minLength != nil || maxLength != nil, !Self.lengthSurelyWithin(text, minLength, maxLength) {
            let path = trail.pointer
            let length = text.unicodeScalars.count
            if let minLength, length < minLength {
                errors.append(ErrorDetail(path: path, message: minLength == 1 ? "must not be empty" : "must be at least \(minLength) characters long"))
            }
            if let maxLength, length > maxLength {
                errors.append(ErrorDetail(path: path, message: "must be at most \(maxLength) characters long, not \(length)"))
            }
        }
        if let pattern, !(automaton?.matches(text) ?? Self.search(pattern.expression, in: text)) {
            errors.append(ErrorDetail(path: trail.pointer, message: "\"\(text)\" does not match the pattern \(pattern.source)"))
        }
        if let format, !Formats.isValid(text, format: format) {
            errors.append(ErrorDetail(path: trail.pointer, message: "\"\(text)\" is not a valid \(format)"))
        }
    }

    private static func search(_ expression: NSRegularExpression, in text: String) -> Bool {
        expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// A string has between a quarter of its UTF-8 length and its UTF-8 length in characters
    /// (Unicode scalars): most values are decided without counting them.
    private static func lengthSurelyWithin(_ text: String, _ minimum: Int?, _ maximum: Int?) -> Bool {
        let bytes = text.utf8.count
        return (maximum.map { bytes <= $0 } ?? true) && (minimum.map { (bytes + 3) / 4 >= $0 } ?? true)
    }

    private func validateNumber(_ number: DecimalNumber, at trail: JSONPointerTrail, errors: inout [ErrorDetail]) {
        if let minimum, number < minimum { errors.append(ErrorDetail(path: trail.pointer, message: "must be at least \(minimum.json), not \(number.json)")) }
        if let maximum, number > maximum { errors.append(ErrorDetail(path: trail.pointer, message: "must be at most \(maximum.json), not \(number.json)")) }
        if let exclusiveMinimum, number <= exclusiveMinimum {
            errors.append(ErrorDetail(path: trail.pointer, message: "must be greater than \(exclusiveMinimum.json), not \(number.json)"))
        }
        if let exclusiveMaximum, number >= exclusiveMaximum {
            errors.append(ErrorDetail(path: trail.pointer, message: "must be less than \(exclusiveMaximum.json), not \(number.json)"))
        }
        if let multipleOf, !DecimalNumber((number.value / multipleOf.value)).isInteger {
            errors.append(ErrorDetail(path: trail.pointer, message: "must be a multiple of \(multipleOf.json)"))
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
