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

    /// Whether `value` meets the schema, found without writing a single error: the conditions
    /// of `if`, `anyOf`, `oneOf` and `not` fail by design on most values, and spelling out each
    /// failure (paths, messages, the constant it missed) was most of checking a licence record's
    /// conditional rules.
    func isValid(_ value: JSONValue) -> Bool {
        if let alwaysValid { return alwaysValid }
        if let referenced, !referenced.isValid(value) { return false }
        if let typeMask, !typeMask.admits(value) { return false }
        if let constant, constant != value { return false }
        if let enumeration, !enumeration.contains(value) { return false }
        let ownKeywordsHold = switch value {
        case .object(let object): objectIsValid(object)
        case .array(let elements): arrayIsValid(elements)
        case .string(let text): stringIsValid(text)
        case .number(let number): numberIsValid(number)
        case .null, .bool: true
        }
        return ownKeywordsHold && applicatorsAccept(value)
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
        guard hasApplicators else { return true }
        if !allOf.allSatisfy({ $0.isValid(value) }) { return false }
        if !anyOf.isEmpty, !anyOf.contains(where: { $0.isValid(value) }) { return false }
        if !oneOf.isEmpty, oneOf.filter({ $0.isValid(value) }).count != 1 { return false }
        if let not, not.isValid(value) { return false }
        if let condition {
            guard let branch = condition.isValid(value) ? then : otherwise else { return true }
            return branch.isValid(value)
        }
        return true
    }

    private func objectIsValid(_ object: JSONObject) -> Bool {
        var requiredSeen: UInt64 = 0
        var next = 0
        for member in object.members {
            if let found = propertyIndex(of: member.key, from: next) {
                next = found + 1
                if found < 64 { requiredSeen |= 1 << UInt64(found) }
                if !properties[found].1.isValid(member.value) { return false }
            } else if let additionalProperties, !additionalProperties.isValid(member.value) {
                return false
            }
        }
        return objectShapeHolds(object, requiredSeen: requiredSeen)
    }

    private func arrayIsValid(_ elements: [JSONValue]) -> Bool {
        itemCountHolds(elements) && (items.map { items in elements.allSatisfy(items.isValid) } ?? true)
    }

    private func stringIsValid(_ text: String) -> Bool {
        lengthHolds(text) && patternHolds(text) && formatHolds(text)
    }

    private func numberIsValid(_ number: DecimalNumber) -> Bool {
        (minimum.map { !(number < $0) } ?? true) && (maximum.map { !(number > $0) } ?? true)
            && (exclusiveMinimum.map { number > $0 } ?? true) && (exclusiveMaximum.map { number < $0 } ?? true)
            && (multipleOf.map { Self.isMultiple(number, of: $0) } ?? true)
    }

    /// The position of the property `key`, looked for at `hint` first: the gateway writes
    /// members in the schema's order.
    private func propertyIndex(of key: String, from hint: Int) -> Int? {
        if hint < properties.count, properties[hint].0 == key { return hint }
        return properties.firstIndex { $0.0 == key }
    }

    /// The object-level keywords: required members (by the bits of the properties seen, or by
    /// name), dependent ones, and the count of members.
    private func objectShapeHolds(_ object: JSONObject, requiredSeen: UInt64) -> Bool {
        if !requiredAllIndexed || requiredSeen & requiredProperties != requiredProperties {
            if required.contains(where: { object[$0] == nil }) { return false }
        }
        for (name, names) in dependentRequired where object[name] != nil {
            if names.contains(where: { object[$0] == nil }) { return false }
        }
        return (minProperties.map { object.count >= $0 } ?? true) && (maxProperties.map { object.count <= $0 } ?? true)
    }

    private func itemCountHolds(_ elements: [JSONValue]) -> Bool {
        (minItems.map { elements.count >= $0 } ?? true) && (maxItems.map { elements.count <= $0 } ?? true)
            && (!uniqueItems || Set(elements).count == elements.count)
    }

    private func lengthHolds(_ text: String) -> Bool {
        guard minLength != nil || maxLength != nil, !Self.lengthSurelyWithin(text, minLength, maxLength) else { return true }
        let length = text.unicodeScalars.count
        return (minLength.map { length >= $0 } ?? true) && (maxLength.map { length <= $0 } ?? true)
    }

    private func patternHolds(_ text: String) -> Bool {
        guard let pattern else { return true }
        return automaton?.matches(text) ?? Self.search(pattern.expression, in: text)
    }

    private func formatHolds(_ text: String) -> Bool {
        format.map { Formats.isValid(text, format: $0) } ?? true
    }

    private static func isMultiple(_ number: DecimalNumber, of divisor: DecimalNumber) -> Bool {
        DecimalNumber(number.value / divisor.value).isInteger
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
        var next = 0
        for member in object.members {
            let found = propertyIndex(of: member.key, from: next)
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
        guard !objectShapeHolds(object, requiredSeen: requiredSeen) else { return }
        var objectErrors: [ErrorDetail] = []
        for name in required where object[name] == nil {
            objectErrors.append(ErrorDetail(path: "\(trail.pointer)/\(SchemaNode.escape(name))", message: "is required"))
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
        if !itemCountHolds(elements) {
            explainItemCount(elements, at: trail, errors: &errors)
        }
        if let items {
            for (index, element) in elements.enumerated() {
                trail.enter(index)
                items.validate(element, at: &trail, errors: &errors)
                trail.leave()
            }
        }
    }

    private func explainItemCount(_ elements: [JSONValue], at trail: JSONPointerTrail, errors: inout [ErrorDetail]) {
        if let minItems, elements.count < minItems {
            errors.append(ErrorDetail(path: trail.pointer, message: "must have at least \(minItems) item\(minItems == 1 ? "" : "s"), not \(elements.count)"))
        }
        if let maxItems, elements.count > maxItems {
            errors.append(ErrorDetail(path: trail.pointer, message: "must have at most \(maxItems) items, not \(elements.count)"))
        }
        if uniqueItems, Set(elements).count != elements.count {
            errors.append(ErrorDetail(path: trail.pointer, message: "must not repeat an item"))
        }
    }

    private func validateString(_ text: String, at trail: JSONPointerTrail, errors: inout [ErrorDetail]) {
        if !lengthHolds(text) {
            let path = trail.pointer
            let length = text.unicodeScalars.count
            if let minLength, length < minLength {
                errors.append(ErrorDetail(path: path, message: minLength == 1 ? "must not be empty" : "must be at least \(minLength) characters long"))
            }
            if let maxLength, length > maxLength {
                errors.append(ErrorDetail(path: path, message: "must be at most \(maxLength) characters long, not \(length)"))
            }
        }
        if let pattern, !patternHolds(text) {
            errors.append(ErrorDetail(path: trail.pointer, message: "\"\(text)\" does not match the pattern \(pattern.source)"))
        }
        if let format, !formatHolds(text) {
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
        guard !numberIsValid(number) else { return }
        if let minimum, number < minimum { errors.append(ErrorDetail(path: trail.pointer, message: "must be at least \(minimum.json), not \(number.json)")) }
        if let maximum, number > maximum { errors.append(ErrorDetail(path: trail.pointer, message: "must be at most \(maximum.json), not \(number.json)")) }
        if let exclusiveMinimum, number <= exclusiveMinimum {
            errors.append(ErrorDetail(path: trail.pointer, message: "must be greater than \(exclusiveMinimum.json), not \(number.json)"))
        }
        if let exclusiveMaximum, number >= exclusiveMaximum {
            errors.append(ErrorDetail(path: trail.pointer, message: "must be less than \(exclusiveMaximum.json), not \(number.json)"))
        }
        if let multipleOf, !Self.isMultiple(number, of: multipleOf) {
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
