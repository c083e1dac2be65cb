import GatewayCore

/// Encodes a canonical record into a value tree for a spec to render: members in the record's
/// declaration order, absent optionals left out, decimals as numbers with their text.
enum RecordEncoder {
    static func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        let root = Slot()
        try value.encode(to: ValueEncoder(slot: root, codingPath: []))
        return root.value
    }
}

/// A place being filled: the encoder's containers hand out slots and read them back at the end.
private final class Slot {
    var scalar: JSONValue = .null
    var members: [(String, Slot)]?
    var elements: [Slot]?

    var value: JSONValue {
        if let members { return .object(JSONObject(members.map { ($0.0, $0.1.value) })) }
        if let elements { return .array(elements.map(\.value)) }
        return scalar
    }
}

private struct ValueEncoder: Encoder {
    let slot: Slot
    let codingPath: [CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if slot.members == nil { slot.members = [] }
        return KeyedEncodingContainer(Keyed(slot: slot, codingPath: codingPath))
    }

    func unkeyedContainer() -> UnkeyedEncodingContainer {
        if slot.elements == nil { slot.elements = [] }
        return Unkeyed(slot: slot, codingPath: codingPath)
    }

    func singleValueContainer() -> SingleValueEncodingContainer { Single(slot: slot, codingPath: codingPath) }

    static func encode<T: Encodable>(_ value: T, into slot: Slot, codingPath: [CodingKey]) throws {
        if let number = value as? DecimalNumber {
            slot.scalar = .number(number)
        } else {
            try value.encode(to: ValueEncoder(slot: slot, codingPath: codingPath))
        }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let slot: Slot
        let codingPath: [CodingKey]

        private func child(_ key: Key) -> Slot {
            let child = Slot()
            slot.members?.append((key.stringValue, child))
            return child
        }

        mutating func encodeNil(forKey key: Key) throws { child(key).scalar = .null }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            try ValueEncoder.encode(value, into: child(key), codingPath: codingPath + [key])
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            ValueEncoder(slot: child(key), codingPath: codingPath + [key]).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
            ValueEncoder(slot: child(key), codingPath: codingPath + [key]).unkeyedContainer()
        }
        mutating func superEncoder() -> Encoder { ValueEncoder(slot: slot, codingPath: codingPath) }
        mutating func superEncoder(forKey key: Key) -> Encoder { ValueEncoder(slot: child(key), codingPath: codingPath + [key]) }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let slot: Slot
        let codingPath: [CodingKey]
        var count: Int { slot.elements?.count ?? 0 }

        private func child() -> Slot {
            let child = Slot()
            slot.elements?.append(child)
            return child
        }

        mutating func encodeNil() throws { child().scalar = .null }
        mutating func encode<T: Encodable>(_ value: T) throws {
            try ValueEncoder.encode(value, into: child(), codingPath: codingPath + [IndexKey(count)])
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            ValueEncoder(slot: child(), codingPath: codingPath).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer { ValueEncoder(slot: child(), codingPath: codingPath).unkeyedContainer() }
        mutating func superEncoder() -> Encoder { ValueEncoder(slot: child(), codingPath: codingPath) }
    }

    struct Single: SingleValueEncodingContainer {
        let slot: Slot
        let codingPath: [CodingKey]

        mutating func encodeNil() throws { slot.scalar = .null }
        mutating func encode(_ value: Bool) throws { slot.scalar = .bool(value) }
        mutating func encode(_ value: String) throws { slot.scalar = .string(value) }
        mutating func encode(_ value: Int) throws { slot.scalar = .number(DecimalNumber(value)) }
        mutating func encode<T: Encodable>(_ value: T) throws { try ValueEncoder.encode(value, into: slot, codingPath: codingPath) }
    }
}
