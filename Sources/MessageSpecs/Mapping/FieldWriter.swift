import GatewayCore

/// Writes a canonical record (and envelope) as a partner document, following the spec's fields
/// in reverse: the element and member order then comes from the partner's schema.
struct FieldWriter {
    let spec: MessageSpec
    let outline: XSDOutline?
    let jsonPlan: JSONWritePlan?

    /// A written document: XML as its bytes, JSON as the value its bytes will spell.
    enum Document {
        case xml([UInt8])
        case json(JSONValue)
    }

    func write(_ record: JSONObject, envelope: MessageEnvelope) throws(GatewayError) -> Document {
        switch spec.format {
        case .xml: .xml(try writeXML(record, envelope: envelope))
        case .json: .json(try writeJSON(record, envelope: envelope))
        }
    }

    private func failure(_ message: String) -> GatewayError { Self.failure(writing: spec.key, message) }

    private static func failure(writing key: String, _ message: String) -> GatewayError {
        GatewayError(.internalError, "Cannot write \(key): \(message)")
    }

    private func envelopeValues(_ envelope: MessageEnvelope) -> [(DocumentPath, String)] {
        spec.envelope.compactMap { field, path in envelope[field].map { (path, $0) } }
    }

    private func writeXML(_ record: JSONObject, envelope: MessageEnvelope) throws(GatewayError) -> [UInt8] {
        guard let element = spec.recognition.element else { throw failure("no document element") }
        let root = XMLTree(element)
        for (path, value) in envelopeValues(envelope) + spec.constants.map({ ($0.path, $0.value) }) {
            root.set(value, at: path)
        }
        try writeXML(spec.fields, from: record, into: root.descend(spec.recordPath.steps), root: root)
        root.sort(by: outline?.root(element))
        return root.serialized(namespace: spec.recognition.namespace ?? "")
    }

    private func writeXML(_ fields: [FieldSpec], from record: JSONObject, into base: XMLTree, root: XMLTree) throws(GatewayError) {
        for field in fields {
            let element = field.isAbsolute ? root : base
            guard let name = field.name, let path = field.path else {
                if let constant = field.value, let path = field.path { element.set(constant, at: path) }
                continue
            }
            if field.repeated {
                let parent = element.descend(Array(path.steps.dropLast()))
                for item in field.value(in: record)?.arrayValue ?? [] {
                    guard let object = item.objectValue, let last = path.steps.last else { continue }
                    try writeXML(field.fields, from: object, into: parent.appendChild(last), root: root)
                }
            } else if let text = try Self.text(of: field, in: record, writing: spec.key) {
                element.set(text.xml, at: path)
            }
        }
    }

    private func writeJSON(_ record: JSONObject, envelope: MessageEnvelope) throws(GatewayError) -> JSONValue {
        guard let jsonPlan else { throw failure("no plan to write it by") }
        return try jsonPlan.write(record, envelope: envelope, text: Self.jsonValues(writing: spec.key))
    }

    /// A field's JSON value, for a plan. The closure holds the spec's key alone: holding `self`
    /// copied the whole spec at every field.
    private static func jsonValues(writing key: String) -> (FieldSpec, JSONObject) throws(GatewayError) -> JSONValue? {
        { field, record throws(GatewayError) in try text(of: field, in: record, writing: key)?.json }
    }

    /// A JSON message's bytes with the schema's verdict on them, found while they were written;
    /// nil when the schema cannot be checked that way. A message it refuses is written again
    /// by `write`, for a validation that names every error.
    func writeChecked(_ record: JSONObject, envelope: MessageEnvelope) throws(GatewayError) -> (bytes: [UInt8], valid: Bool)? {
        guard spec.format == .json, let jsonPlan else { return nil }
        return try jsonPlan.writeChecked(record, envelope: envelope, text: Self.jsonValues(writing: spec.key))
    }

    /// A field's value ready to write: its text for XML or its JSON value, each made only for
    /// the format written.
    private enum Written {
        case text(String)
        case number(DecimalNumber)
        /// A number the document carries as text.
        case numberText(DecimalNumber)

        var xml: String {
            switch self {
            case .text(let text): text
            case .number(let number), .numberText(let number): number.xml
            }
        }

        var json: JSONValue {
            switch self {
            case .text(let text): .string(text)
            case .number(let number): .number(number)
            case .numberText(let number): .string(number.lexical)
            }
        }
    }

    private static func text(of field: FieldSpec, in record: JSONObject, writing key: String) throws(GatewayError) -> Written? {
        guard let name = field.name, let value = field.value(in: record), !value.isNull else {
            if field.required && field.value == nil { throw failure(writing: key, "the record has no \(field.name ?? "value") for \(field.path?.description ?? "")") }
            return nil
        }
        if let converter = field.converter, let text = value.text {
            switch converter.write(text) {
            case .success(let converted)?: return .text(converted)
            case .failure(let conversion)?: throw failure(writing: key, "\(name): \(conversion.message)")
            case nil: throw failure(writing: key, "the converter of \(name) only reads")
            }
        }
        switch (field.type, value) {
        case (.integer, .number(let number)), (.decimal, .number(let number)):
            return .number(number)
        case (_, .string(let text)):
            return .text(text)
        case (_, .number(let number)):
            return .numberText(number)
        default:
            throw failure(writing: key, "\(name) is \(value.typeName), not a value a document can carry")
        }
    }
}
