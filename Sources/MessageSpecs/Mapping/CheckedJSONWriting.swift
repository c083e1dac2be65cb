import GatewayCore

extension JSONWritePlan {
    /// The message's bytes written straight from the plan, byte for byte what `JSONWriter.pretty`
    /// makes of the document `write` builds, with the schema's verdict on them found on the way
    /// (`PlaceCheck`); nil when a place of the plan cannot be checked as it is written.
    func writeChecked(_ record: JSONObject, envelope: MessageEnvelope,
                      text: (FieldSpec, JSONObject) throws(GatewayError) -> JSONValue?) throws(GatewayError) -> (bytes: [UInt8], valid: Bool)? {
        guard root.checkable else { return nil }
        var writing = CheckedJSONWriting(envelope: envelope)
        _ = try writing.write(root, record, text)
        writing.output.append(0x0A)
        return (writing.output, writing.valid)
    }
}

/// One message being written and checked.
private struct CheckedJSONWriting {
    let envelope: MessageEnvelope
    var output: [UInt8] = []
    var valid = true

    init(envelope: MessageEnvelope) {
        self.envelope = envelope
        output.reserveCapacity(16_384)
    }

    /// What was written at a place: nothing, or something, with the value when it is one.
    enum Written {
        case absent
        case written
        case value(JSONValue)
    }

    typealias Text = (FieldSpec, JSONObject) throws(GatewayError) -> JSONValue?

    mutating func write(_ node: JSONWritePlan.Node, _ record: JSONObject, _ text: Text) throws(GatewayError) -> Written {
        if !node.lists.isEmpty { return try writeList(node, record, text) }
        if !node.sources.isEmpty { return try writeValue(node, record, text) }
        return try writeObject(node, record, text)
    }

    private mutating func writeValue(_ node: JSONWritePlan.Node, _ record: JSONObject, _ text: Text) throws(GatewayError) -> Written {
        guard let scalar = try node.scalar(record, envelope, text) else { return .absent }
        JSONWriter.write(scalar, indent: 0, pretty: true, into: &output)
        if case .scalar(let schema) = node.check, !schema.isValid(scalar) { valid = false }
        return .value(scalar)
    }

    private mutating func writeList(_ node: JSONWritePlan.Node, _ record: JSONObject, _ text: Text) throws(GatewayError) -> Written {
        let start = output.count
        output.append(UInt8(ascii: "["))
        var count = 0
        for (field, item) in node.lists {
            for element in field.value(in: record)?.arrayValue ?? [] {
                guard let object = element.objectValue else { continue }
                if count > 0 { output.append(UInt8(ascii: ",")) }
                JSONWriter.newline(item.depth, pretty: true, into: &output)
                _ = try write(item, object, text)
                count += 1
            }
        }
        if count > 0 {
            JSONWriter.newline(node.depth, pretty: true, into: &output)
            output.append(UInt8(ascii: "]"))
            if case .list(let check) = node.check,
               count < check.minItems ?? 0 || count > check.maxItems ?? Int.max { valid = false }
            return .written
        }
        output.removeLast(output.count - start)
        // A list without items is no list: the place is an empty object, or nothing.
        guard node.always else { return .absent }
        output.append(contentsOf: "{}".utf8)
        if case .list(let check) = node.check, !check.schema.isValid(.object(JSONObject())) { valid = false }
        return .written
    }

    private mutating func writeObject(_ node: JSONWritePlan.Node, _ record: JSONObject, _ text: Text) throws(GatewayError) -> Written {
        let start = output.count
        output.append(UInt8(ascii: "{"))
        var check: PlaceCheck.ObjectCheck?
        if case .object(let objectCheck) = node.check { check = objectCheck }
        var count = 0
        var seen: UInt64 = 0
        var projection: [JSONObject.Member] = []
        let members = node.members
        let lines = node.memberLines
        for index in members.indices {
            let mark = output.count
            if count > 0 { output.append(UInt8(ascii: ",")) }
            output.append(contentsOf: lines[index])
            let written = try write(members[index].node, record, text)
            if case .absent = written {
                output.removeLast(output.count - mark)
                continue
            }
            count += 1
            guard let check else { continue }
            seen |= 1 << UInt64(index)
            if !check.allowed[index] { valid = false }
            if check.projected[index], case .value(let value) = written {
                projection.append(JSONObject.Member(key: members[index].name, value: value))
            }
        }
        if count > 0 {
            JSONWriter.newline(node.depth, pretty: true, into: &output)
            output.append(UInt8(ascii: "}"))
        } else {
            output.removeLast(output.count - start)
            guard node.always else { return .absent }
            output.append(contentsOf: "{}".utf8)
        }
        if let check, valid {
            if seen & check.required != check.required { valid = false }
            if check.hasApplicators, !check.schema.applicatorsAccept(.object(JSONObject(distinct: projection))) { valid = false }
        }
        return .written
    }
}
