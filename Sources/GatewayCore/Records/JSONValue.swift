/// A JSON value that keeps what matters for exact copies: number text (`367500.5`, `64800`) and
/// member order (so output reads like the partner's own examples).
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(DecimalNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    public var stringValue: String? { if case .string(let value) = self { value } else { nil } }
    public var numberValue: DecimalNumber? { if case .number(let value) = self { value } else { nil } }
    public var objectValue: JSONObject? { if case .object(let value) = self { value } else { nil } }
    public var arrayValue: [JSONValue]? { if case .array(let value) = self { value } else { nil } }
    /// Asked of every optional field read or written: a match on the case, not the derived `==`.
    public var isNull: Bool { if case .null = self { true } else { false } }

    /// The member `key` of an object, nil for anything else.
    public subscript(key: String) -> JSONValue? { objectValue?[key] }

    /// JSON Schema's name for the value's type.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number(let number): number.isInteger ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

/// A JSON object whose members keep their order. Partner objects have a few dozen members at
/// most, so lookups are linear.
public struct JSONObject: Sendable, Hashable, Sequence {
    public struct Member: Sendable, Hashable {
        public let key: String
        public var value: JSONValue

        package init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    public private(set) var members: [Member] = []

    public init() {}

    public init(_ members: [(String, JSONValue)]) {
        for (key, value) in members { self[key] = value }
    }

    /// Members whose keys the caller knows to be distinct (a tree the gateway built).
    package init(distinct members: [Member]) {
        self.members = members
    }

    /// The position of `key`, looked for at `hint` first: a reader that knows the members' order
    /// finds each at once instead of after the ones before it.
    package func index(of key: String, from hint: Int) -> Int? {
        if hint < members.count, members[hint].key == key { return hint }
        return members.firstIndex { $0.key == key }
    }

    /// Adds a member whose key the caller knows is not there yet.
    package mutating func append(new key: String, _ value: JSONValue) {
        members.append(Member(key: key, value: value))
    }

    /// Room for `count` members, for a builder that knows how many it will set.
    package mutating func reserveCapacity(_ count: Int) {
        members.reserveCapacity(count)
    }

    public var keys: [String] { members.map(\.key) }
    public var count: Int { members.count }

    public subscript(key: String) -> JSONValue? {
        get { members.first { $0.key == key }?.value }
        set {
            if let index = members.firstIndex(where: { $0.key == key }) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append(Member(key: key, value: newValue))
            }
        }
    }

    public func makeIterator() -> IndexingIterator<[Member]> { members.makeIterator() }
}
