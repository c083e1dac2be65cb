import GatewayCore
import Synchronization

/// One partner message type and version, as declared in its `spec.yaml`: how it is recognised,
/// keyed and signed, where its schema is, and how its fields map to a canonical record.
public struct MessageSpec: Sendable {
    public enum Format: String, Sendable { case xml, json }
    /// Which way the message travels: from the partner to the gateway, to the partner, or both.
    public enum Direction: String, Sendable { case inbound, outbound, both }

    public let partner: String
    public let message: String
    public let version: String
    public let format: Format
    public let direction: Direction
    public let schemaFile: String
    public let recognition: Recognition
    public let idempotencyKey: DocumentPath
    public let signature: SignatureRule
    /// The canonical record the message maps to (`GatewayCore` type name).
    public let record: String
    /// Where the record's fields sit in the document (ASW: `MessageBody/ATIGAFormD`).
    public let recordPath: DocumentPath
    public let envelope: [EnvelopeField: DocumentPath]
    public let fields: [FieldSpec]
    /// Values written into every rendered document (`messageType`, ASW `MessageType`, …).
    public let constants: [(path: DocumentPath, value: String)]
    public let rules: [RuleSpec]
    /// The cases of its record this message carries, when it does not carry all of them (VCB's
    /// acknowledgement carries an ACCEPTED payment outcome, its rejection a REJECTED one).
    public let when: [(field: String, values: [String])]
    public let directory: String
    let location: SpecLocation

    /// `partner/message`, how commands and routes name the spec.
    public var key: String { "\(partner)/\(message)" }

    /// Whether this message carries `record` (its `when` holds for it).
    public func carries(_ record: JSONValue) -> Bool {
        when.allSatisfy { condition in record[condition.field]?.text.map { condition.values.contains($0) } ?? false }
    }

    public var isInbound: Bool { direction != .outbound }
    public var isOutbound: Bool { direction != .inbound }
}

public enum EnvelopeField: String, Sendable, CaseIterable {
    case messageId, sentAt, sender, receiver, reference
}

/// How a document is told to be this message.
public struct Recognition: Sendable, Hashable, CustomStringConvertible {
    /// XML: the document element's namespace and name.
    public let namespace: String?
    public let element: String?
    /// A value a path must have: ASW `MessageHeader/MessageType` = `FORM_D`, JSON `messageType` = `TaxNotice`.
    public let discriminator: (path: DocumentPath, value: String)?
    /// JSON without a type member: the members that identify it.
    public let members: [String]

    public var description: String {
        var parts: [String] = []
        if let namespace, let element { parts.append("{\(namespace)}\(element)") }
        if let discriminator { parts.append("\(discriminator.path) = \(discriminator.value)") }
        if !members.isEmpty { parts.append("members \(members.joined(separator: ", "))") }
        return parts.joined(separator: ", ")
    }

    public static func == (lhs: Recognition, rhs: Recognition) -> Bool { lhs.description == rhs.description }
    public func hash(into hasher: inout Hasher) { hasher.combine(description) }
}

/// What a valid signature of this message looks like (the signature layer checks it).
public struct SignatureRule: Sendable, Hashable {
    /// `xmldsig`, `jws`, or `none` (BIDV's unsigned JSON result).
    public let format: String
    /// XML-DSig algorithm names (`rsa-sha256`, `ecdsa-sha256`) or JWS `alg`s.
    public let algorithms: [String]
}

/// One field: its canonical name, where it is in the document, its type and presence; or, for
/// a repeated group, the items' own fields.
public final class FieldSpec: Sendable {
    /// Dotted name in the record (`applicant.taxCode`); nil for a field that only checks or writes the document.
    public let name: String?
    /// Where the value is read from; several for a converter taking several values or for alternatives.
    public let paths: [DocumentPath]
    /// With several paths: `true` takes the first one present (alternatives), `false` hands all to the converter.
    public let alternatives: Bool
    public let type: FieldType
    public let required: Bool
    public let repeated: Bool
    public let fields: [FieldSpec]
    public let converter: Converter?
    /// A record value set when reading, with no path (BIDV `bankCode: BIDV`).
    public let value: String?
    let location: SpecLocation
    /// `name` split at its dots, once, for the reader's hot path.
    let nameSteps: [String]
    /// Read from the document element, not from the record's place (`path` starts with `/`).
    let isAbsolute: Bool
    /// A repeated group's fields each fill a member of their own (no dots, no name twice): an
    /// item's members are appended as they are read, without looking for one already there.
    let itemFieldsAreDistinct: Bool

    init(name: String?, paths: [DocumentPath], alternatives: Bool, type: FieldType, required: Bool, repeated: Bool,
         fields: [FieldSpec], converter: Converter?, value: String?, location: SpecLocation) {
        self.name = name
        self.paths = paths
        self.alternatives = alternatives
        self.type = type
        self.required = required
        self.repeated = repeated
        self.fields = fields
        self.converter = converter
        self.value = value
        self.location = location
        nameSteps = name.map { $0.split(separator: ".").map(String.init) } ?? []
        isAbsolute = paths.first?.absolute == true
        let names = fields.compactMap(\.name)
        itemFieldsAreDistinct = fields.allSatisfy { $0.nameSteps.count <= 1 } && Set(names).count == names.count
    }

    public var path: DocumentPath? { paths.first }

    /// Where this field's member was found last in the records it is written from: records made
    /// by the same code hold their members in the same places, so each is found at the first look.
    private let lastPosition = Atomic<Int>(0)

    /// The field's value in `record`, nil when absent.
    func value(in record: JSONObject) -> JSONValue? {
        guard nameSteps.count == 1 else { return record.value(at: nameSteps[...]) }
        let hint = lastPosition.load(ordering: .relaxed)
        guard let index = record.index(of: nameSteps[0], from: hint) else { return nil }
        if index != hint { lastPosition.store(index, ordering: .relaxed) }
        return record.members[index].value
    }
}

/// A rule the message's own content must meet, beyond what its schema can say
/// (`RVCPercentage` only with `RVC`, `ValidFrom` ≤ `ValidUntil`, presence by decision).
public struct RuleSpec: Sendable {
    public let code: ErrorCode
    /// Applies to each item of this repeated group instead of the record.
    public let each: String?
    /// All of these fields must have one of their listed values for the rule to apply.
    public let when: [(field: String, values: [String])]
    public let require: [String]
    public let forbid: [String]
    /// The first field's value may not come after the second's (dates compare as text).
    public let notAfter: (String, String)?
    /// Checked after the case's own refusals (`after: case`): the partner's README lists the
    /// refusals that depend on the case first (MOH: `PERMIT_CLOSED` before `REASON_MISSING`).
    public let afterCase: Bool
    let location: SpecLocation
}
