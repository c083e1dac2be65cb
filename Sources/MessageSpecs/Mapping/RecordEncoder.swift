import GatewayCore

/// Encodes a canonical record into a value tree for a spec to render: members in the record's
/// declaration order, absent optionals left out, decimals as numbers with their text, or as
/// their text alone where the tree is kept as it is (a case's facts).
enum RecordEncoder {
    static func encode<T: Encodable>(_ value: T, decimalsAsText: Bool = false) throws -> JSONValue {
        let root = Slot()
        try ValueEncoder(slot: root, codingPath: [], decimalsAsText: decimalsAsText).encode(value, into: root, trail: [])
        return root.value
    }
}

/// A place being filled: the encoder's containers hand out slots and read them back at the end.
/// A scalar member is stored as its value; only objects and lists need a slot of their own.
private final class Slot {
    enum Child {
        case value(JSONValue)
        case slot(Slot)

        var value: JSONValue {
            switch self {
            case .value(let value): value
            case .slot(let slot): slot.value
            }
        }
    }

    var scalar: JSONValue = .null
    var members: [(String, Child)]?
    var elements: [Child]?

    var value: JSONValue {
        // A Codable type encodes each key once.
        if let members { return .object(JSONObject(distinct: members.map { JSONObject.Member(key: $0.0, value: $0.1.value) })) }
        if let elements { return .array(elements.map(\.value)) }
        return scalar
    }
}

/// Canonical records never ask an encoder for its coding path, so it is kept as the keys of
/// the containers only, not extended for every value.
private struct ValueEncoder: Encoder {
    let slot: Slot
    let codingPath: [CodingKey]
    let decimalsAsText: Bool
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// An encoder for `slot` below this one.
    func below(_ slot: Slot, _ codingPath: [CodingKey]) -> ValueEncoder {
        ValueEncoder(slot: slot, codingPath: codingPath, decimalsAsText: decimalsAsText)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if slot.members == nil { slot.members = [] }
        return KeyedEncodingContainer(Keyed(encoder: self))
    }

    func unkeyedContainer() -> UnkeyedEncodingContainer {
        if slot.elements == nil { slot.elements = [] }
        return Unkeyed(encoder: self)
    }

    func singleValueContainer() -> SingleValueEncodingContainer { Single(encoder: self) }

    /// The value of `value` when it is a scalar the tree holds as it is.
    func scalar<T: Encodable>(_ value: T) -> JSONValue? {
        // The type checks first: a cast to a type the value does not have costs more than the comparison.
        if T.self == String.self, let text = value as? String { return .string(text) }
        if T.self == DecimalNumber.self, let number = value as? DecimalNumber { return decimalsAsText ? .string(number.lexical) : .number(number) }
        if T.self == Int.self, let integer = value as? Int { return .number(DecimalNumber(integer)) }
        if T.self == Bool.self, let flag = value as? Bool { return .bool(flag) }
        return nil
    }

    func encode<T: Encodable>(_ value: T, into slot: Slot, trail: [CodingKey]) throws {
        if let scalar = scalar(value) {
            slot.scalar = scalar
        } else if let record = value as? any RecordValueCoding {
            slot.scalar = record.recordValue(decimalsAsText: decimalsAsText)
        } else {
            try value.encode(to: below(slot, trail))
        }
    }

    /// `value` as a child of a container: a scalar directly, anything else in a slot of its own.
    func child<T: Encodable>(_ value: T, trail: [CodingKey], key: CodingKey) throws -> Slot.Child {
        if let scalar = scalar(value) { return .value(scalar) }
        if let record = value as? any RecordValueCoding { return .value(record.recordValue(decimalsAsText: decimalsAsText)) }
        let slot = Slot()
        try value.encode(to: below(slot, trail + [key]))
        return .slot(slot)
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let encoder: ValueEncoder
        var slot: Slot { encoder.slot }
        var codingPath: [CodingKey] { encoder.codingPath }

        private func append(_ key: Key, _ child: Slot.Child) { slot.members?.append((key.stringValue, child)) }

        private func child(_ key: Key) -> Slot {
            let child = Slot()
            append(key, .slot(child))
            return child
        }

        mutating func encodeNil(forKey key: Key) throws { append(key, .value(.null)) }
        mutating func encode(_ value: String, forKey key: Key) throws { append(key, .value(.string(value))) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { append(key, .value(.bool(value))) }
        mutating func encode(_ value: Int, forKey key: Key) throws { append(key, .value(.number(DecimalNumber(value)))) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            append(key, try encoder.child(value, trail: codingPath, key: key))
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            encoder.below(child(key), codingPath + [key]).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
            encoder.below(child(key), codingPath + [key]).unkeyedContainer()
        }
        mutating func superEncoder() -> Encoder { encoder }
        mutating func superEncoder(forKey key: Key) -> Encoder { encoder.below(child(key), codingPath + [key]) }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let encoder: ValueEncoder
        var slot: Slot { encoder.slot }
        var codingPath: [CodingKey] { encoder.codingPath }
        var count: Int { slot.elements?.count ?? 0 }

        private func child() -> Slot {
            let child = Slot()
            slot.elements?.append(.slot(child))
            return child
        }

        mutating func encodeNil() throws { slot.elements?.append(.value(.null)) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            let element = try encoder.child(value, trail: codingPath, key: IndexKey(count))
            slot.elements?.append(element)
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            encoder.below(child(), codingPath).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer { encoder.below(child(), codingPath).unkeyedContainer() }
        mutating func superEncoder() -> Encoder { encoder.below(child(), codingPath) }
    }

    struct Single: SingleValueEncodingContainer {
        let encoder: ValueEncoder
        var slot: Slot { encoder.slot }
        var codingPath: [CodingKey] { encoder.codingPath }

        mutating func encodeNil() throws { slot.scalar = .null }
        mutating func encode(_ value: Bool) throws { slot.scalar = .bool(value) }
        mutating func encode(_ value: String) throws { slot.scalar = .string(value) }
        mutating func encode(_ value: Int) throws { slot.scalar = .number(DecimalNumber(value)) }
        mutating func encode<T: Encodable>(_ value: T) throws { try encoder.encode(value, into: slot, trail: codingPath) }
    }
}
