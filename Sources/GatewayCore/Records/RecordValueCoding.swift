/// A record that reads itself from its value tree and writes itself into one, field by field,
/// with no Codable container in between. Codable stays every record's definition (a spec's
/// fields are checked against it, and most records are read and written through it); the records
/// every licence message passes through conform to this as well, because Codable's boxed
/// containers, generic metadata looked up at run time and reference counting made reading and
/// writing them 42% of translating a 50-line licence decision (`perf record` of `gateway bench
/// specs`). `RecordValueCodingTests` checks that both give the same tree and the same record for
/// every sample.
public protocol RecordValueCoding {
    init(fields: inout RecordFields) throws(RecordValueError)
    func write(to fields: inout RecordFieldWriter)
}

extension RecordValueCoding {
    public init(recordValue value: JSONValue) throws(RecordValueError) {
        guard case .object(let object) = value else { throw RecordValueError("expected an object, found \(value.typeName)") }
        var fields = RecordFields(object)
        try self.init(fields: &fields)
    }

    /// The value tree: members in declaration order, absent optionals left out, decimals as
    /// numbers with their text, or as their text alone (`decimalsAsText`).
    public func recordValue(decimalsAsText: Bool = false) -> JSONValue {
        var writer = RecordFieldWriter(decimalsAsText: decimalsAsText)
        write(to: &writer)
        return .object(writer.object)
    }
}

/// Why a value tree is not the record: the problem and the field it is at (`goodsLines[3].unit`).
public struct RecordValueError: Error, CustomStringConvertible {
    public private(set) var path: [String] = []
    public let problem: String

    init(_ problem: String, at key: String? = nil) {
        self.problem = problem
        if let key { path = [key] }
    }

    /// The error as seen from the container one step up.
    func below(_ step: String) -> RecordValueError {
        var outer = self
        outer.path.insert(step, at: 0)
        return outer
    }

    public var description: String {
        let field = path.reduce("") { $1.hasPrefix("[") || $0.isEmpty ? $0 + $1 : $0 + "." + $1 }
        return field.isEmpty ? problem : "\(field): \(problem)"
    }
}

/// One object of a value tree, read as a record's fields. A field reads as Codable would read
/// it: a number where a text is declared gives its text, a text where a decimal is declared is
/// parsed, `null` is an absent optional.
public struct RecordFields {
    let object: JSONObject
    /// Where the next field is looked for first: a record reads its fields in the order a tree
    /// of its own kind holds them.
    private var next = 0

    init(_ object: JSONObject) {
        self.object = object
    }

    private mutating func member(_ key: String) -> JSONValue? {
        guard let index = object.index(of: key, from: next) else { return nil }
        next = index + 1
        return object.members[index].value
    }

    private mutating func present(_ key: String) throws(RecordValueError) -> JSONValue {
        guard let value = member(key) else { throw RecordValueError("is missing", at: key) }
        return value
    }

    private mutating func optional(_ key: String) -> JSONValue? {
        guard let value = member(key), !value.isNull else { return nil }
        return value
    }

    public mutating func string(_ key: String) throws(RecordValueError) -> String {
        try Self.string(present(key), key)
    }

    public mutating func string(ifPresent key: String) throws(RecordValueError) -> String? {
        guard let value = optional(key) else { return nil }
        return try Self.string(value, key)
    }

    public mutating func int(_ key: String) throws(RecordValueError) -> Int {
        let value = try present(key)
        guard case .number(let number) = value, let integer = number.intValue else {
            throw RecordValueError("expected a whole number, found \(value.typeName)", at: key)
        }
        return integer
    }

    public mutating func decimal(_ key: String) throws(RecordValueError) -> DecimalNumber {
        let value = try present(key)
        if case .number(let number) = value { return number }
        let text = try Self.string(value, key)
        guard let number = DecimalNumber(text) else { throw RecordValueError("\(text) is not a number", at: key) }
        return number
    }

    public mutating func record<T: RecordValueCoding>(_ key: String) throws(RecordValueError) -> T {
        do {
            return try T(recordValue: try present(key))
        } catch {
            throw error.path.isEmpty ? RecordValueError(error.problem, at: key) : error.below(key)
        }
    }

    public mutating func record<T: RecordValueCoding>(ifPresent key: String) throws(RecordValueError) -> T? {
        guard optional(key) != nil else { return nil }
        return try record(key) as T
    }

    public mutating func records<T: RecordValueCoding>(_ key: String) throws(RecordValueError) -> [T] {
        let value = try present(key)
        guard case .array(let elements) = value else { throw RecordValueError("expected a list, found \(value.typeName)", at: key) }
        var records: [T] = []
        records.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            do {
                records.append(try T(recordValue: element))
            } catch {
                throw error.below("[\(index)]").below(key)
            }
        }
        return records
    }

    public mutating func records<T: RecordValueCoding>(ifPresent key: String) throws(RecordValueError) -> [T]? {
        guard optional(key) != nil else { return nil }
        return try records(key) as [T]
    }

    private static func string(_ value: JSONValue, _ key: String) throws(RecordValueError) -> String {
        switch value {
        case .string(let text): return text
        case .number(let number): return number.lexical
        default: throw RecordValueError("expected a text, found \(value.typeName)", at: key)
        }
    }
}

/// A record's fields being written into a value tree, in the order they are written.
public struct RecordFieldWriter {
    let decimalsAsText: Bool
    private var members: [JSONObject.Member] = []

    init(decimalsAsText: Bool) {
        self.decimalsAsText = decimalsAsText
        // Growing the members one at a time from empty showed in profiles of deriving a 50-line
        // licence record; a line has fewer fields than this, a whole record a few times as many.
        members.reserveCapacity(Self.expectedFields)
    }

    private static let expectedFields = 8

    // A record writes each of its fields once.
    var object: JSONObject { JSONObject(distinct: members) }

    public mutating func add(_ key: String, _ value: String) {
        members.append(JSONObject.Member(key: key, value: .string(value)))
    }

    public mutating func add(_ key: String, _ value: String?) {
        if let value { add(key, value) }
    }

    public mutating func add(_ key: String, _ value: Int) {
        members.append(JSONObject.Member(key: key, value: .number(DecimalNumber(value))))
    }

    public mutating func add(_ key: String, _ value: DecimalNumber) {
        members.append(JSONObject.Member(key: key, value: decimalsAsText ? .string(value.lexical) : .number(value)))
    }

    public mutating func add<T: RecordValueCoding>(_ key: String, _ value: T) {
        members.append(JSONObject.Member(key: key, value: value.recordValue(decimalsAsText: decimalsAsText)))
    }

    public mutating func add<T: RecordValueCoding>(_ key: String, _ value: T?) {
        if let value { add(key, value) }
    }

    public mutating func add<T: RecordValueCoding>(_ key: String, _ values: [T]) {
        members.append(JSONObject.Member(key: key, value: .array(values.map { $0.recordValue(decimalsAsText: decimalsAsText) })))
    }

    public mutating func add<T: RecordValueCoding>(_ key: String, _ values: [T]?) {
        if let values { add(key, values) }
    }
}
