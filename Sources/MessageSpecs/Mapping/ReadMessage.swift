import Foundation
import GatewayCore
import HardenedXML

/// A partner message that is well-formed, valid against its partner's schema and its spec's
/// rules, and read into its canonical record.
public struct ReadMessage: Sendable {
    public let spec: MessageSpec
    public let envelope: MessageEnvelope
    /// The record as a value tree; `decode` gives the typed record.
    public let record: JSONValue
    /// The idempotency key's value (world §1.4).
    public let idempotencyKey: String?
    /// The refusal of a rule checked after the case's own (`after: case`), for the flow to answer
    /// when the case does not refuse the message first.
    public var refusalAfterCase: GatewayError? = nil

    public func decode<T: CanonicalRecord>(_ type: T.Type) throws(GatewayError) -> T {
        guard T.recordName == spec.record else {
            throw GatewayError(.internalError, "\(spec.key) carries a \(spec.record), not a \(T.recordName).")
        }
        do {
            return try RecordDecoder.decode(T.self, from: record)
        } catch {
            throw GatewayError(.schemaInvalid, "The \(spec.message) cannot be read as a \(T.recordName): \(error)")
        }
    }
}

extension ErrorDetail {
    /// The detail ending in one full stop, for a message.
    var sentence: String { description.hasSuffix(".") ? description : description + "." }
}

extension SpecRegistry {
    /// Parses (hardened), recognises, validates and reads a message. Throws `MALFORMED` for a
    /// document that cannot be parsed, `SCHEMA_INVALID` with every error and its path, or the
    /// code of the first spec rule that fails (a partner's business code, answered with 409).
    public func read(_ bytes: [UInt8], parser: HardenedXMLParser = HardenedXMLParser()) throws(GatewayError) -> ReadMessage {
        let document = try parse(bytes, parser: parser)
        guard let compiled = recognise(document) else {
            throw GatewayError(.schemaInvalid, "The document is not a message of any loaded spec (\(describe(document))).", path: "/")
        }
        return try read(document, as: compiled)
    }

    func parse(_ bytes: [UInt8], parser: HardenedXMLParser) throws(GatewayError) -> ParsedDocumentOrJSON {
        guard let first = bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else {
            throw GatewayError(.malformed, "The message is empty.")
        }
        if first == UInt8(ascii: "<") { return .xml(try parser.forValues.parse(bytes)) }
        guard bytes.count <= parser.limits.maximumBytes else {
            throw GatewayError(.tooLarge, "The document is \(bytes.count) bytes; the limit is \(parser.limits.maximumBytes) bytes.")
        }
        return .json(try JSONParser().parse(bytes))
    }

    private func describe(_ document: ParsedDocumentOrJSON) -> String {
        switch document {
        case .xml(let parsed):
            guard let root = parsed.rootElement else { return "no document element" }
            return "document element {\(root.namespaceURI ?? "")}\(root.localName)"
        case .json(let value):
            return value["messageType"]?.stringValue.map { "messageType \($0)" } ?? "a JSON object without messageType"
        }
    }

    func read(_ document: ParsedDocumentOrJSON, as compiled: CompiledSpec) throws(GatewayError) -> ReadMessage {
        let spec = compiled.spec
        let schemaErrors = compiled.schemaErrors(document)
        guard schemaErrors.isEmpty else {
            throw GatewayError(.schemaInvalid,
                "The \(spec.message) is not valid against the \(spec.partner) schema: \(schemaErrors.count) error\(schemaErrors.count == 1 ? "" : "s"), the first at \(schemaErrors[0].sentence)",
                details: schemaErrors)
        }
        guard let cursor = compiled.cursor(document) else { throw GatewayError(.malformed, "The document has no root.") }
        let reading = FieldReader(spec: spec).read(cursor)
        guard reading.errors.isEmpty else {
            throw GatewayError(.schemaInvalid, "The \(spec.message) cannot be read: \(reading.errors[0].sentence)", details: reading.errors)
        }
        let violations = RuleChecker(spec: spec).check(reading.record) { cursor.location }
        if let refusal = Self.refusal(violations.filter { !$0.afterCase }, of: spec) { throw refusal }
        var message = ReadMessage(spec: spec, envelope: reading.envelope, record: .object(reading.record),
                                  idempotencyKey: cursor.value(spec.idempotencyKey)?.text)
        message.refusalAfterCase = Self.refusal(violations.filter(\.afterCase), of: spec)
        return message
    }

    /// The first violated rule's code, with every violation of that code.
    private static func refusal(_ violations: [RuleChecker.Violation], of spec: MessageSpec) -> GatewayError? {
        guard let first = violations.first else { return nil }
        let sameCode = violations.filter { $0.code == first.code }.map(\.detail)
        return GatewayError(first.code, "The \(spec.message) breaks a rule of \(spec.partner): \(sameCode[0].sentence)", details: sameCode)
    }
}

extension SpecRegistry {
    /// A message the gateway accepted earlier, from the canonical record the store kept for it
    /// (`StoredMessage.record`): its content was checked then, so it is not parsed or validated
    /// again — what a translation needs as context.
    public func stored(record json: String, of specKey: String) throws(GatewayError) -> ReadMessage {
        guard let compiled = spec(specKey) else {
            throw GatewayError(.configurationInvalid, "No spec \(specKey) is loaded.")
        }
        return ReadMessage(spec: compiled.spec, envelope: MessageEnvelope(), record: try JSONParser().parse(Array(json.utf8)),
                           idempotencyKey: nil)
    }

    /// A canonical record the store kept as JSON (`StoredMessage.record`), typed again.
    public func decode<T: CanonicalRecord>(_ type: T.Type, fromRecord json: String) throws(GatewayError) -> T {
        let value = try JSONParser().parse(Array(json.utf8))
        do {
            return try RecordDecoder.decode(T.self, from: value)
        } catch {
            throw GatewayError(.internalError, "A stored \(T.recordName) cannot be read back: \(error)")
        }
    }
}
