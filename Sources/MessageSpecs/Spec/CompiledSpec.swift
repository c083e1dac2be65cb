import GatewayCore
import HardenedXML

/// A spec with everything needed to use it: its compiled schema, the schema's outline (XML) and
/// the shape of its record. Built once at start-up and shared by every request.
public final class CompiledSpec: Sendable {
    public let spec: MessageSpec
    let xmlSchema: XMLSchemaValidator?
    let outline: XSDOutline?
    let jsonSchema: JSONSchema?
    let shape: RecordShape
    /// How the gateway writes it, for a JSON message.
    let jsonPlan: JSONWritePlan?

    init(spec: MessageSpec, xmlSchema: XMLSchemaValidator?, outline: XSDOutline?, jsonSchema: JSONSchema?, shape: RecordShape) {
        self.spec = spec
        self.xmlSchema = xmlSchema
        self.outline = outline
        self.jsonSchema = jsonSchema
        self.shape = shape
        jsonPlan = spec.format == .json ? JSONWritePlan(spec: spec, schema: jsonSchema) : nil
    }

    /// Schema errors of a parsed document.
    func schemaErrors(_ document: ParsedDocumentOrJSON) -> [ErrorDetail] {
        switch document {
        case .xml(let parsed): xmlSchema?.validate(parsed) ?? []
        case .json(let value): jsonSchema?.validate(value) ?? []
        }
    }

    func cursor(_ document: ParsedDocumentOrJSON) -> DocumentCursor? {
        switch document {
        case .xml(let parsed): parsed.rootElement.map { DocumentCursor.xml($0, namespace: spec.recognition.namespace) }
        case .json(let value): DocumentCursor.json(value)
        }
    }

    /// Writes a record (already encoded) as this message, with the errors its schema finds in it.
    /// A JSON message is checked while it is written, and refused ones as the value their bytes
    /// spell, for every error with its place; an XML message is checked as its bytes parsed.
    func render(_ record: JSONValue, envelope: MessageEnvelope, parser: HardenedXMLParser) throws(GatewayError) -> (bytes: [UInt8], errors: [ErrorDetail]) {
        guard case .object(let object) = record else { throw GatewayError(.internalError, "A record must be an object.") }
        let writer = FieldWriter(spec: spec, outline: outline, jsonPlan: jsonPlan)
        if let checked = try writer.writeChecked(object, envelope: envelope), checked.valid { return (checked.bytes, []) }
        switch try writer.write(object, envelope: envelope) {
        case .json(let value):
            return (JSONWriter.pretty(value), schemaErrors(.json(value)))
        case .xml(let bytes):
            let parsed = try parser.forValues.parse(bytes)
            return (bytes, schemaErrors(.xml(parsed)))
        }
    }
}

/// A partner document after hardened parsing, before it is known to be valid.
enum ParsedDocumentOrJSON {
    case xml(ParsedDocument)
    case json(JSONValue)
}
