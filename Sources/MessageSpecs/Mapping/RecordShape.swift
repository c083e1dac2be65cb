import GatewayCore

/// The names a canonical record has, found by letting the record decode itself from a probe
/// (`goodsLines[].lineNo`), so specs are checked against the Swift types without a second list.
public struct RecordShape: Sendable {
    public let names: Set<String>
    /// Names the record cannot do without (non-optional properties), where their parent is present.
    public let required: Set<String>

    public init<T: Decodable>(of type: T.Type) {
        let probe = Probe()
        _ = try? T(from: ProbeDecoder(probe: probe, path: ""))
        names = probe.names
        required = probe.names.subtracting(probe.optional)
    }

    public func contains(_ name: String) -> Bool { names.contains(name) }

    /// The names directly under `prefix` (a group such as `goodsLines[]`).
    public func contains(_ name: String, in group: String?) -> Bool {
        contains(group.map { "\($0)[].\(name)" } ?? name)
    }
}

private final class Probe {
    var names: Set<String> = []
    /// Names asked about with `contains` first, as synthesized `decodeIfPresent` does for optionals.
    var optional: Set<String> = []
}

private struct ProbeDecoder: Decoder {
    let probe: Probe
    let path: String
    var codingPath: [CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Keyed(probe: probe, path: path))
    }
    func unkeyedContainer() throws -> UnkeyedDecodingContainer { Unkeyed(probe: probe, path: path + "[]") }
    func singleValueContainer() throws -> SingleValueDecodingContainer { Single() }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let probe: Probe
        let path: String
        var codingPath: [CodingKey] { [] }
        var allKeys: [Key] { [] }

        func name(_ key: Key) -> String {
            let name = path.isEmpty ? key.stringValue : "\(path).\(key.stringValue)"
            probe.names.insert(name)
            return name
        }

        func contains(_ key: Key) -> Bool {
            probe.optional.insert(name(key))
            return true
        }
        func decodeNil(forKey key: Key) throws -> Bool { false }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try T(from: ProbeDecoder(probe: probe, path: name(key)))
        }
        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            KeyedDecodingContainer(Keyed<NestedKey>(probe: probe, path: name(key)))
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer { Unkeyed(probe: probe, path: name(key) + "[]") }
        func superDecoder() throws -> Decoder { ProbeDecoder(probe: probe, path: path) }
        func superDecoder(forKey key: Key) throws -> Decoder { ProbeDecoder(probe: probe, path: name(key)) }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let probe: Probe
        let path: String
        var codingPath: [CodingKey] { [] }
        var currentIndex = 0
        var count: Int? { 1 }
        var isAtEnd: Bool { currentIndex >= 1 }

        mutating func decodeNil() throws -> Bool { false }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            currentIndex += 1
            return try T(from: ProbeDecoder(probe: probe, path: path))
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            currentIndex += 1
            return KeyedDecodingContainer(Keyed<NestedKey>(probe: probe, path: path))
        }
        mutating func nestedUnkeyedContainer() throws -> UnkeyedDecodingContainer { currentIndex += 1; return Unkeyed(probe: probe, path: path + "[]") }
        mutating func superDecoder() throws -> Decoder { currentIndex += 1; return ProbeDecoder(probe: probe, path: path) }
    }

    struct Single: SingleValueDecodingContainer {
        var codingPath: [CodingKey] { [] }
        func decodeNil() -> Bool { false }
        func decode(_ type: Bool.Type) throws -> Bool { false }
        func decode(_ type: String.Type) throws -> String { "0" }
        func decode(_ type: Int.Type) throws -> Int { 0 }
        func decode(_ type: Double.Type) throws -> Double { 0 }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: ProbeDecoder(probe: Probe(), path: "")) }
    }
}
