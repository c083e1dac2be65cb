import GatewayCore

/// Where a validation stands in the value, as the steps taken from its root: the JSON Pointer
/// is written out only for a violation.
struct JSONPointerTrail {
    private enum Step {
        case member(String)
        case index(Int)
    }

    private var steps: [Step] = []

    mutating func enter(_ member: String) { steps.append(.member(member)) }
    mutating func enter(_ index: Int) { steps.append(.index(index)) }
    mutating func leave() { steps.removeLast() }

    var pointer: String {
        var text = ""
        for step in steps {
            switch step {
            case .member(let name): text += "/" + SchemaNode.escape(name)
            case .index(let index): text += "/\(index)"
            }
        }
        return text
    }
}

/// The JSON types a schema's `type` admits, as bits. An integral number is an integer.
struct JSONTypeMask: OptionSet {
    let rawValue: UInt8

    static let null = JSONTypeMask(rawValue: 1)
    static let boolean = JSONTypeMask(rawValue: 2)
    static let integer = JSONTypeMask(rawValue: 4)
    static let number = JSONTypeMask(rawValue: 8)
    static let string = JSONTypeMask(rawValue: 16)
    static let array = JSONTypeMask(rawValue: 32)
    static let object = JSONTypeMask(rawValue: 64)

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init(_ names: Set<String>) {
        let named: [String: JSONTypeMask] = ["null": .null, "boolean": .boolean, "integer": .integer, "number": .number,
                                             "string": .string, "array": .array, "object": .object]
        self = names.reduce(into: []) { $0.formUnion(named[$1] ?? []) }
    }

    func admits(_ value: JSONValue) -> Bool {
        switch value {
        case .null: contains(.null)
        case .bool: contains(.boolean)
        case .number(let number): contains(.number) || (contains(.integer) && number.isInteger)
        case .string: contains(.string)
        case .array: contains(.array)
        case .object: contains(.object)
        }
    }
}
