import GatewayCore

/// What a JSON message's schema asks of the value the write plan puts at one place, worked out
/// when the spec is compiled so that a message is checked while it is written: the schema's
/// member for each of the place's members, which members it requires, the subschemas that
/// apply to the whole object. Walking the written document again to validate it had been a
/// quarter of translating a licence, with as much again for the document as a value tree.
///
/// A place whose schema uses a keyword that needs the whole value (`const` on an object,
/// `uniqueItems`, a `$ref` beside other keywords, …) has no check, and its message is then
/// validated as a value tree after it is written, as every message is when a check fails.
enum PlaceCheck: Sendable {
    /// Nothing in the schema constrains the value.
    case free
    /// A value written from a source, checked against its schema on its own.
    case scalar(SchemaNode)
    case object(ObjectCheck)
    case list(ListCheck)

    struct ObjectCheck: Sendable {
        let schema: SchemaNode
        /// For each of the place's members: whether the schema allows it at all, and whether its
        /// value goes into the object the subschemas are checked against.
        let allowed: [Bool]
        let projected: [Bool]
        /// The members the schema requires, one bit each.
        let required: UInt64
        /// Whether the schema has subschemas for the whole object (`allOf`, `if`, `not`, …).
        /// They name the members they look at, all written from sources: they are checked
        /// against an object of those members alone.
        let hasApplicators: Bool
    }

    struct ListCheck: Sendable {
        let schema: SchemaNode
        let minItems: Int?
        let maxItems: Int?
    }

    /// Keywords an object's schema may have for its check; the others that apply to objects
    /// need the object as a value.
    private static let objectKeywords: Set<String> = [
        "type", "properties", "required", "additionalProperties", "allOf", "anyOf", "oneOf", "not", "if", "then", "else",
    ]
    /// Keywords that apply only to strings, numbers or lists, which an object's check ignores as
    /// the validator does.
    private static let otherTypesKeywords: Set<String> = [
        "minLength", "maxLength", "pattern", "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
        "multipleOf", "items", "minItems", "maxItems", "uniqueItems",
    ]

    /// The schema a value at a place is checked against: nil for none, a `$ref` alone followed.
    static func normalised(_ schema: SchemaNode?) -> SchemaNode? {
        var current = schema
        while let node = current, node.keywords == ["$ref"], let referenced = node.referenced { current = referenced }
        if current?.alwaysValid == true { return nil }
        return current
    }

    /// The check of an object place with these members (each: its name, and whether it is
    /// written from sources alone); nil when the object cannot be checked as it is written.
    static func object(_ schema: SchemaNode?, members: [(name: String, isScalar: Bool)]) -> PlaceCheck? {
        guard let schema = normalised(schema) else { return .free }
        guard schema.alwaysValid == nil, schema.keywords.isSubset(of: objectKeywords.union(otherTypesKeywords)),
              schema.types?.contains("object") ?? true, members.count <= 64 else { return nil }
        var required: UInt64 = 0
        for name in schema.required {
            guard let index = members.firstIndex(where: { $0.name == name }) else { return nil }
            required |= 1 << UInt64(index)
        }
        let hasApplicators = schema.hasApplicators
        var projectedNames: Set<String> = []
        if hasApplicators {
            for part in schema.allOf + schema.anyOf + schema.oneOf + [schema.not, schema.condition, schema.then, schema.otherwise].compactMap({ $0 }) {
                guard let names = projectionNames(part) else { return nil }
                projectedNames.formUnion(names)
            }
            for member in members where projectedNames.contains(member.name) && !member.isScalar { return nil }
        }
        let named = Set(schema.properties.map(\.0))
        let forbidsOthers = schema.additionalProperties?.alwaysValid == false
        return .object(ObjectCheck(
            schema: schema,
            allowed: members.map { named.contains($0.name) || !forbidsOthers },
            projected: members.map { projectedNames.contains($0.name) },
            required: required,
            hasApplicators: hasApplicators))
    }

    /// The schema of an object's member: its property's, or the one for members it does not name.
    static func member(_ name: String, of schema: SchemaNode?) -> SchemaNode? {
        guard let schema = normalised(schema) else { return nil }
        if let property = schema.properties.first(where: { $0.0 == name }) { return property.1 }
        return schema.additionalProperties
    }

    /// The members a subschema applied to a whole object looks at; nil when it looks at more
    /// than named members (`additionalProperties`, `const`, a count of members, …).
    private static func projectionNames(_ schema: SchemaNode) -> Set<String>? {
        let allowedKeywords: Set<String> = objectKeywords.subtracting(["additionalProperties"])
            .union(otherTypesKeywords).union(["dependentRequired"])
        guard schema.keywords.isSubset(of: allowedKeywords) else { return nil }
        var names = Set(schema.properties.map(\.0)).union(schema.required)
        for (name, others) in schema.dependentRequired { names.insert(name); names.formUnion(others) }
        for part in schema.allOf + schema.anyOf + schema.oneOf + [schema.not, schema.condition, schema.then, schema.otherwise].compactMap({ $0 }) {
            guard let inner = projectionNames(part) else { return nil }
            names.formUnion(inner)
        }
        return names
    }

    /// The check of a list place, whose items are checked at the item's place.
    static func list(_ schema: SchemaNode?) -> PlaceCheck? {
        guard let schema = normalised(schema) else { return .free }
        // Object keywords other than the subschemas apply to objects only, as string and number ones do.
        let keywords = otherTypesKeywords.union(objectKeywords).subtracting(SchemaNode.applicatorKeywords).subtracting(["uniqueItems"])
        guard schema.alwaysValid == nil, schema.keywords.isSubset(of: keywords), schema.types?.contains("array") ?? true else { return nil }
        return .list(ListCheck(schema: schema, minItems: schema.minItems, maxItems: schema.maxItems))
    }

    /// The schema of a list's items.
    static func item(of schema: SchemaNode?) -> SchemaNode? {
        normalised(schema)?.items
    }
}
