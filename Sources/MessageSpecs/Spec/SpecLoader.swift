import Foundation
import GatewayCore

/// Reads one `spec.yaml`. Only the spec's own shape is checked here; whether its paths exist in
/// the schema and its names in the record is checked by `SpecRegistry`, which has both at hand.
enum SpecLoader {
    static let topLevelKeys: Set<String> = ["partner", "message", "version", "format", "direction", "schema", "recognise",
                                            "idempotencyKey", "signature", "record", "recordPath", "envelope", "constants",
                                            "fields", "rules", "when", "description"]

    static func load(file: String) throws(GatewayError) -> MessageSpec {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw GatewayError(.configurationInvalid, "The spec \(file) cannot be read.")
        }
        let root = try SpecNode.load(String(decoding: data, as: UTF8.self), file: file)
        _ = try root.mapping(allowing: topLevelKeys)
        let directory = (file as NSString).deletingLastPathComponent

        guard let format = MessageSpec.Format(rawValue: try root.string("format")) else {
            throw (root["format"] ?? root).location.error("format must be xml or json")
        }
        guard let direction = MessageSpec.Direction(rawValue: try root.string("direction")) else {
            throw (root["direction"] ?? root).location.error("direction must be inbound, outbound or both")
        }
        let schema = try root.string("schema")
        let schemaFile = ((directory as NSString).appendingPathComponent(schema) as NSString).standardizingPath
        guard FileManager.default.fileExists(atPath: schemaFile) else {
            throw (root["schema"] ?? root).location.error("the schema \(schema) does not exist (looked for \(schemaFile))")
        }
        var constants: [(DocumentPath, String)] = []
        for item in root["constants"]?.items ?? [] {
            _ = try item.mapping(allowing: ["path", "value"])
            constants.append((DocumentPath(try item.string("path")), try item.string("value")))
        }
        let recognition = try recognition(root, format: format)
        if let discriminator = recognition.discriminator, !constants.contains(where: { $0.0 == discriminator.path }) {
            constants.insert((discriminator.path, discriminator.value), at: 0)
        }
        return MessageSpec(
            partner: try root.string("partner"),
            message: try root.string("message"),
            version: try root.string("version"),
            format: format,
            direction: direction,
            schemaFile: schemaFile,
            recognition: recognition,
            idempotencyKey: DocumentPath(try root.string("idempotencyKey")),
            signature: try signature(root),
            record: try root.string("record"),
            recordPath: DocumentPath(try root.optionalString("recordPath") ?? "."),
            envelope: try envelope(root),
            fields: try fields(root["fields"], at: root.location),
            constants: constants,
            rules: try rules(root["rules"]),
            when: conditions(root["when"]),
            directory: directory,
            location: SpecLocation(file: file, line: 1)
        )
    }

    private static func recognition(_ root: SpecNode, format: MessageSpec.Format) throws(GatewayError) -> Recognition {
        guard let node = root["recognise"] else { throw root.location.error("\"recognise\" is missing") }
        _ = try node.mapping(allowing: ["namespace", "element", "discriminator", "messageType", "members"])
        var discriminator: (DocumentPath, String)?
        if let messageType = try node.optionalString("messageType") {
            discriminator = (DocumentPath("messageType"), messageType)
        }
        if let rule = node["discriminator"] {
            _ = try rule.mapping(allowing: ["path", "value"])
            discriminator = (DocumentPath(try rule.string("path")), try rule.string("value"))
        }
        let recognition = Recognition(namespace: try node.optionalString("namespace"), element: try node.optionalString("element"),
                                      discriminator: discriminator, members: try node.strings("members"))
        switch format {
        case .xml where recognition.namespace == nil || recognition.element == nil:
            throw node.location.error("an XML message is recognised by its namespace and element")
        case .json where recognition.discriminator == nil && recognition.members.isEmpty:
            throw node.location.error("a JSON message is recognised by messageType, a discriminator or its members")
        default:
            return recognition
        }
    }

    private static func signature(_ root: SpecNode) throws(GatewayError) -> SignatureRule {
        guard let node = root["signature"] else { throw root.location.error("\"signature\" is missing") }
        _ = try node.mapping(allowing: ["format", "algorithms"])
        let format = try node.string("format")
        guard ["xmldsig", "jws", "none"].contains(format) else { throw node.location.error("signature format must be xmldsig, jws or none") }
        return SignatureRule(format: format, algorithms: try node.strings("algorithms"))
    }

    private static func envelope(_ root: SpecNode) throws(GatewayError) -> [EnvelopeField: DocumentPath] {
        guard let node = root["envelope"] else { return [:] }
        var result: [EnvelopeField: DocumentPath] = [:]
        for (key, value) in try node.mapping(allowing: Set(EnvelopeField.allCases.map(\.rawValue))) {
            guard let field = EnvelopeField(rawValue: key), let path = value.scalar else { throw value.location.error("envelope paths are texts") }
            result[field] = DocumentPath(path)
        }
        return result
    }

    static let fieldKeys: Set<String> = ["name", "path", "paths", "alternatives", "type", "required", "repeated", "fields", "converter", "value"]

    private static func fields(_ node: SpecNode?, at location: SpecLocation) throws(GatewayError) -> [FieldSpec] {
        guard let node else { throw location.error("\"fields\" is missing") }
        guard let items = node.items else { throw node.location.error("\"fields\" must be a list") }
        var result: [FieldSpec] = []
        for item in items { result.append(try field(item)) }
        return result
    }

    private static func field(_ node: SpecNode) throws(GatewayError) -> FieldSpec {
        _ = try node.mapping(allowing: fieldKeys)
        var paths = try node.strings("paths").map(DocumentPath.init)
        if let single = try node.optionalString("path") { paths.insert(DocumentPath(single), at: 0) }
        let typeName = try node.optionalString("type") ?? "string"
        guard let type = FieldType(rawValue: typeName) else {
            throw (node["type"] ?? node).location.error("unknown type \"\(typeName)\" (expected one of \(FieldType.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let repeated = try node.bool("repeated", default: false)
        let value = try node.optionalString("value")
        let name = try node.optionalString("name")
        if paths.isEmpty && value == nil { throw node.location.error("a field needs a path (or a constant value)") }
        if name == nil && value == nil { throw node.location.error("a field without a name must give the value to check or write") }
        return FieldSpec(
            name: name,
            paths: paths,
            alternatives: try node.bool("alternatives", default: false),
            type: type,
            required: try node.bool("required", default: true),
            repeated: repeated,
            fields: repeated ? try fields(node["fields"], at: node.location) : [],
            converter: try converter(node["converter"]),
            value: value,
            location: node.location
        )
    }

    private static func converter(_ node: SpecNode?) throws(GatewayError) -> Converter? {
        guard let node else { return nil }
        if node.scalar == "parenthesised" { return .parenthesised }
        guard let members = node.members, members.count == 1, let (name, argument) = members.first else {
            throw node.location.error("unknown converter (expected one of \(Converter.names.joined(separator: ", ")))")
        }
        switch name {
        case "map":
            guard let pairs = argument.members, !pairs.isEmpty else { throw argument.location.error("map needs a table of values") }
            var table: [String: String?] = [:]
            for (key, value) in pairs {
                guard let mapped = value.scalar else { throw value.location.error("map values are texts (or null)") }
                table[key] = ["null", "~", ""].contains(mapped) ? .some(nil) : .some(mapped)
            }
            return .map(table)
        case "startOfDay":
            guard let offset = argument.scalar, offset.range(of: #"^(Z|[+-][0-9]{2}:[0-9]{2})$"#, options: .regularExpression) != nil else {
                throw argument.location.error("startOfDay needs a UTC offset such as \"+07:00\"")
            }
            return .startOfDay(offset: offset)
        default:
            throw node.location.error("unknown converter \"\(name)\" (expected one of \(Converter.names.joined(separator: ", ")))")
        }
    }

    /// `{ field: value }` or `{ field: [values] }`.
    private static func conditions(_ node: SpecNode?) -> [(field: String, values: [String])] {
        (node?.members ?? []).map { field, values in (field, values.scalar.map { [$0] } ?? values.items?.compactMap(\.scalar) ?? []) }
    }

    private static func rules(_ node: SpecNode?) throws(GatewayError) -> [RuleSpec] {
        guard let node else { return [] }
        guard let items = node.items else { throw node.location.error("\"rules\" must be a list") }
        var result: [RuleSpec] = []
        for item in items {
            _ = try item.mapping(allowing: ["code", "each", "when", "require", "forbid", "notAfter", "after"])
            let after = try item.optionalString("after")
            guard after == nil || after == "case" else { throw item.location.error("after takes one value: case") }
            let conditions = conditions(item["when"])
            let order = try item.strings("notAfter")
            guard order.isEmpty || order.count == 2 else { throw item.location.error("notAfter names two fields") }
            result.append(RuleSpec(
                code: ErrorCode(rawValue: try item.optionalString("code") ?? "SCHEMA_INVALID"),
                each: try item.optionalString("each"),
                when: conditions,
                require: try item.strings("require"),
                forbid: try item.strings("forbid"),
                notAfter: order.count == 2 ? (order[0], order[1]) : nil,
                afterCase: after == "case",
                location: item.location
            ))
        }
        return result
    }
}
