import GatewayCore
import HardenedXML

/// The envelope of a message of a family that tells its members apart by a discriminator (the
/// ASW's `ASWMessage`, whose `MessageHeader/MessageType` says FORM_D, ACDD or ACK), read before
/// the message is validated — so that a partner's envelope rules can answer first, in its own
/// codes — with the document paths of the specs, for the answers.
public struct EnvelopeReading: Sendable {
    /// The spec the document says it is (its discriminator's value), nil when no spec has that value.
    public let spec: MessageSpec?
    /// The discriminator's value as written.
    public let declaredType: String?
    public let envelope: MessageEnvelope
    /// The declared spec's record is where that spec puts it (the body matches the declared type).
    public let hasBody: Bool
    /// Some spec of the family finds its record in the document (there is a body at all).
    public let hasAnyBody: Bool
    /// The declared spec's fields read from the document, by record name (top-level text fields only).
    public let fields: [String: String]
    let family: MessageSpec
    let root: String

    /// Where an envelope field is in the document, for an answer about it.
    public func path(of field: EnvelopeField) -> String {
        guard let path = (spec ?? family).envelope[field] else { return root }
        return root + "/" + path.description
    }

    /// Where the discriminator is in the document.
    public var declaredTypePath: String {
        family.recognition.discriminator.map { root + "/" + $0.path.description } ?? root
    }
}

extension SpecRegistry {
    /// The envelope of `bytes` when they are an XML message of a family of specs told apart by a
    /// discriminator; nil for anything else (or for a document that cannot be parsed).
    public func envelope(_ bytes: [UInt8]) -> EnvelopeReading? {
        guard let parsed = try? HardenedXMLParser().forValues.parse(bytes), let root = parsed.rootElement else { return nil }
        let document = ParsedDocumentOrJSON.xml(parsed)
        let family = compiled.filter {
            $0.spec.format == .xml && $0.spec.recognition.discriminator != nil
                && $0.spec.recognition.element == root.localName && $0.spec.recognition.namespace == root.namespaceURI
        }
        guard let first = family.first, let discriminator = first.spec.recognition.discriminator,
              let cursor = first.cursor(document) else { return nil }
        let declaredType = cursor.value(discriminator.path)?.text.trimmingCharacters(in: .whitespacesAndNewlines)
        let declared = family.first { $0.spec.recognition.discriminator?.value == declaredType }
        let spec = declared?.spec ?? first.spec
        func text(_ field: EnvelopeField) -> String? {
            spec.envelope[field].flatMap { cursor.value($0)?.text.trimmingCharacters(in: .whitespacesAndNewlines) }
        }
        let body = declared.flatMap { cursor.first($0.spec.recordPath) }
        var fields: [String: String] = [:]
        if let body, let declared {
            for field in declared.spec.fields where !field.repeated {
                guard let name = field.name, let path = field.path, !path.absolute,
                      let value = body.value(path)?.text else { continue }
                fields[name] = value.trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
        return EnvelopeReading(
            spec: declared?.spec, declaredType: declaredType,
            envelope: MessageEnvelope(messageId: text(.messageId), sentAt: text(.sentAt), sender: text(.sender), receiver: text(.receiver),
                                      reference: text(.reference)),
            hasBody: body != nil, hasAnyBody: family.contains { $0.cursor(document)?.first($0.spec.recordPath) != nil },
            fields: fields, family: first.spec, root: "/" + root.localName)
    }
}
