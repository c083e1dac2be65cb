import GatewayCore

/// Decodes a canonical record from the value tree a spec produced. Decimal numbers keep the text
/// they were received with.
enum RecordDecoder {
    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try ValueDecoder.decode(type, from: value, trail: .root)
    }
}

/// The keys that led to a value, kept as links and spelled out only for an error: building
/// a coding path array for every value decoded was a large part of decoding a record. A link is
/// only allocated where decoding descends into an object or a list; a leaf's key stays with
/// the container that reads it.
private final class CodingTrail {
    let parent: CodingTrail?
    let key: CodingKey?

    init(parent: CodingTrail?, key: CodingKey?) {
        self.parent = parent
        self.key = key
    }

    static var root: CodingTrail { CodingTrail(parent: nil, key: nil) }

    func appending(_ key: CodingKey?) -> CodingTrail { key.map { CodingTrail(parent: self, key: $0) } ?? self }

    func path(then last: CodingKey? = nil) -> [CodingKey] {
        var keys: [CodingKey] = last.map { [$0] } ?? []
        var trail: CodingTrail? = self
        while let current = trail {
            if let key = current.key { keys.append(key) }
            trail = current.parent
        }
        return keys.reversed()
    }
}

private struct ValueDecoder: Decoder {
    let value: JSONValue
    let trail: CodingTrail
    /// The key of `value` in its container, not yet linked into `trail`.
    let key: CodingKey?
    var codingPath: [CodingKey] { trail.path(then: key) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(value: JSONValue, trail: CodingTrail, key: CodingKey? = nil) {
        self.value = value
        self.trail = trail
        self.key = key
    }

    /// Decodes `T` from `value`; a number the spec already read becomes a DecimalNumber as it is.
    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue, trail: CodingTrail, key: CodingKey? = nil) throws -> T {
        if T.self == DecimalNumber.self, case .number(let number) = value, let decimal = number as? T { return decimal }
        if T.self == String.self, let text = try Single.string(value, codingPath: { trail.path(then: key) }) as? T { return text }
        if let coding = T.self as? any RecordValueCoding.Type, let record = try coding.init(recordValue: value) as? T { return record }
        return try T(from: ValueDecoder(value: value, trail: trail, key: key))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = value else { throw mismatch("an object") }
        return KeyedDecodingContainer(Keyed(object: object, trail: trail.appending(key)))
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw mismatch("a list") }
        return Unkeyed(elements: elements, trail: trail.appending(key))
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer { Single(value: value, trail: trail, key: key) }

    func mismatch(_ expected: String) -> DecodingError { ValueDecoder.mismatch(expected, value, codingPath) }

    static func mismatch(_ expected: String, _ value: JSONValue, _ codingPath: [CodingKey]) -> DecodingError {
        .typeMismatch(Any.self, .init(codingPath: codingPath, debugDescription: "expected \(expected), found \(value.typeName)"))
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let object: JSONObject
        let trail: CodingTrail
        var codingPath: [CodingKey] { trail.path() }
        var allKeys: [Key] { object.keys.compactMap(Key.init(stringValue:)) }

        func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }

        func decodeNil(forKey key: Key) throws -> Bool {
            guard let value = object[key.stringValue] else { return true }
            return value == .null
        }

        private func value(_ key: Key) throws -> JSONValue {
            guard let value = object[key.stringValue] else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "\(key.stringValue) is missing"))
            }
            return value
        }

        func decode(_ type: String.Type, forKey key: Key) throws -> String {
            try Single.string(value(key), codingPath: { trail.path(then: key) })
        }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try ValueDecoder.decode(type, from: value(key), trail: trail, key: key)
        }

        // One lookup instead of the default's three (contains, decodeNil, decode).
        func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
            guard let value = object[key.stringValue], value != .null else { return nil }
            return try Single.string(value, codingPath: { trail.path(then: key) })
        }

        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            guard let value = object[key.stringValue], value != .null else { return nil }
            return try ValueDecoder.decode(type, from: value, trail: trail, key: key)
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try ValueDecoder(value: object[key.stringValue] ?? .null, trail: trail, key: key).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer {
            try ValueDecoder(value: object[key.stringValue] ?? .null, trail: trail, key: key).unkeyedContainer()
        }

        func superDecoder() throws -> Decoder { ValueDecoder(value: .object(object), trail: trail) }
        func superDecoder(forKey key: Key) throws -> Decoder { ValueDecoder(value: object[key.stringValue] ?? .null, trail: trail, key: key) }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let elements: [JSONValue]
        let trail: CodingTrail
        var codingPath: [CodingKey] { trail.path() }
        var currentIndex = 0
        var count: Int? { elements.count }
        var isAtEnd: Bool { currentIndex >= elements.count }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, elements[currentIndex] == .null else { return false }
            currentIndex += 1
            return true
        }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            guard !isAtEnd else { throw DecodingError.valueNotFound(T.self, .init(codingPath: codingPath, debugDescription: "the list ended")) }
            defer { currentIndex += 1 }
            return try ValueDecoder.decode(type, from: elements[currentIndex], trail: trail, key: IndexKey(currentIndex))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            try decode(Nested.self).decoder.container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> UnkeyedDecodingContainer { try decode(Nested.self).decoder.unkeyedContainer() }
        mutating func superDecoder() throws -> Decoder { try decode(Nested.self).decoder }

        private struct Nested: Decodable {
            let decoder: Decoder
            init(from decoder: Decoder) { self.decoder = decoder }
        }
    }

    struct Single: SingleValueDecodingContainer {
        let value: JSONValue
        let trail: CodingTrail
        let key: CodingKey?
        var codingPath: [CodingKey] { trail.path(then: key) }

        func decodeNil() -> Bool { value == .null }

        func decode(_ type: Bool.Type) throws -> Bool {
            guard case .bool(let flag) = value else { throw ValueDecoder.mismatch("true or false", value, codingPath) }
            return flag
        }

        func decode(_ type: String.Type) throws -> String { try Single.string(value, codingPath: { codingPath }) }

        static func string(_ value: JSONValue, codingPath: () -> [CodingKey]) throws -> String {
            switch value {
            case .string(let text): return text
            // DecimalNumber decodes itself from its text.
            case .number(let number): return number.lexical
            default: throw ValueDecoder.mismatch("a text", value, codingPath())
            }
        }

        func decode(_ type: Int.Type) throws -> Int {
            guard case .number(let number) = value, let integer = number.intValue else { throw ValueDecoder.mismatch("a whole number", value, codingPath) }
            return integer
        }

        func decode(_ type: Double.Type) throws -> Double {
            guard case .number(let number) = value, let double = Double(number.json) else { throw ValueDecoder.mismatch("a number", value, codingPath) }
            return double
        }

        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try ValueDecoder.decode(type, from: value, trail: trail, key: key)
        }
    }
}

struct IndexKey: CodingKey {
    let index: Int
    var intValue: Int? { index }
    // Written out only for an error's coding path.
    var stringValue: String { "\(index)" }
    init(_ index: Int) { self.index = index }
    init?(intValue: Int) { self.init(intValue) }
    init?(stringValue: String) { return nil }
}
