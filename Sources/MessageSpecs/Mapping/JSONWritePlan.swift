import GatewayCore

/// Where a JSON message's values go, worked out once when its spec is compiled: the document's
/// objects with their members already in the schema's order, each place knowing which envelope
/// value, constant or record field it holds. Writing a record is then one walk that neither
/// looks up nor sorts anything in the document being written: building the document as a tree of
/// its own, sorting it and copying it into a value had been a fifth of translating a licence
/// (`perf record` of `gateway bench specs`).
///
/// The document is the one writing the values in turn would build: an object is written when a
/// value is written below it (the record's own place always), a later value at a place replaces
/// an earlier one, and a list is written when its record field has an item.
final class JSONWritePlan: Sendable {
    enum Source: Sendable {
        case envelope(EnvelopeField)
        case constant(String)
        case field(FieldSpec)
    }

    final class Node: Sendable {
        let sources: [Source]
        let members: [(name: String, node: Node)]
        /// How deep the place is in the document: the indentation of its first line.
        let depth: Int
        /// Each member's line up to its value (a newline, the indentation, `"licenceNumber": `),
        /// escaped and indented once here instead of for every record.
        let memberLines: [[UInt8]]
        /// The repeated groups written here: the record field of their items, and the node each
        /// item is written from.
        let lists: [(field: FieldSpec, item: Node)]
        /// Written even when nothing is written below it: the record's place and a list's item.
        let always: Bool
        /// What the schema asks of the value written here; nil when it cannot be checked as it is written.
        let check: PlaceCheck?
        /// This place and every one below it can be checked as they are written.
        let checkable: Bool

        /// The value of the sources here, the last one present winning; nil when none is.
        func scalar(_ record: JSONObject, _ envelope: MessageEnvelope,
                    _ text: (FieldSpec, JSONObject) throws(GatewayError) -> JSONValue?) throws(GatewayError) -> JSONValue? {
            var scalar: JSONValue?
            for source in sources {
                let written: JSONValue? = switch source {
                case .envelope(let field): envelope[field].map(JSONValue.string)
                case .constant(let constant): .string(constant)
                case .field(let field): try text(field, record)
                }
                if let written { scalar = written }
            }
            return scalar
        }

        /// Holds values from sources alone: a place that never has members or items.
        var isScalar: Bool { !sources.isEmpty && members.isEmpty && lists.isEmpty }

        fileprivate init(_ draft: Draft, schema: SchemaNode?, depth: Int) {
            let members = draft.members.map { (name: $0.0, node: Node($0.1, schema: PlaceCheck.member($0.0, of: schema), depth: depth + 1)) }
            let lists = draft.lists.map { (field: $0.0, item: Node($0.1, schema: PlaceCheck.item(of: schema), depth: depth + 1)) }
            // A place is checked as what it always is: a value, a list or an object.
            let check: PlaceCheck? = switch (draft.sources.isEmpty, members.isEmpty, lists.isEmpty) {
            case (false, true, true): PlaceCheck.normalised(schema).map(PlaceCheck.scalar) ?? .free
            case (true, true, false): PlaceCheck.list(schema)
            case (true, _, true): PlaceCheck.object(schema, members: members.map { ($0.name, $0.node.isScalar) })
            default: nil
            }
            sources = draft.sources
            self.members = members
            self.depth = depth
            memberLines = members.map { member in
                var line: [UInt8] = []
                JSONWriter.newline(depth + 1, pretty: true, into: &line)
                JSONWriter.writeString(member.name, into: &line)
                line.append(contentsOf: ": ".utf8)
                return line
            }
            self.lists = lists
            always = draft.always
            self.check = check
            checkable = check != nil && members.allSatisfy(\.node.checkable) && lists.allSatisfy(\.item.checkable)
        }
    }

    let root: Node

    init(spec: MessageSpec, schema: JSONSchema?) {
        let root = Draft()
        root.always = true
        // In one order every time: a dictionary's order changes from one start to the next.
        for (field, path) in spec.envelope.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            root.descend(path.steps).sources.append(.envelope(field))
        }
        for constant in spec.constants {
            root.descend(constant.path.steps).sources.append(.constant(constant.value))
        }
        var place = root
        for step in spec.recordPath.steps {
            place = place.member(step)
            place.always = true
        }
        Self.plan(spec.fields, into: place)
        root.sort(by: schema?.root)
        self.root = Node(root, schema: schema?.root, depth: 0)
    }

    private static func plan(_ fields: [FieldSpec], into draft: Draft) {
        for field in fields {
            guard field.name != nil, let path = field.path else {
                if let constant = field.value, let path = field.path { draft.descend(path.steps).sources.append(.constant(constant)) }
                continue
            }
            if field.repeated {
                let item = Draft()
                item.always = true
                plan(field.fields, into: item)
                draft.descend(path.steps).lists.append((field, item))
            } else {
                draft.descend(path.steps).sources.append(.field(field))
            }
        }
    }

    /// The document for `record`; `text` gives a field's value as written (nil for an absent
    /// optional), and throws for a required one the record lacks.
    func write(_ record: JSONObject, envelope: MessageEnvelope,
               text: (FieldSpec, JSONObject) throws(GatewayError) -> JSONValue?) throws(GatewayError) -> JSONValue {
        try value(of: root, record, envelope, text) ?? .object(JSONObject())
    }

    private func value(of node: Node, _ record: JSONObject, _ envelope: MessageEnvelope,
                       _ text: (FieldSpec, JSONObject) throws(GatewayError) -> JSONValue?) throws(GatewayError) -> JSONValue? {
        if !node.lists.isEmpty {
            var items: [JSONValue] = []
            for (field, item) in node.lists {
                for element in field.value(in: record)?.arrayValue ?? [] {
                    guard let object = element.objectValue else { continue }
                    items.append(try value(of: item, object, envelope, text) ?? .object(JSONObject()))
                }
            }
            if !items.isEmpty { return .array(items) }
        }
        let scalar = try node.scalar(record, envelope, text)
        var members: [JSONObject.Member] = []
        members.reserveCapacity(node.members.count)
        for (name, child) in node.members {
            if let member = try value(of: child, record, envelope, text) { members.append(JSONObject.Member(key: name, value: member)) }
        }
        if let scalar { return scalar }
        return members.isEmpty && !node.always ? nil : .object(JSONObject(distinct: members))
    }
}

/// A plan's node while it is worked out.
private final class Draft {
    var sources: [JSONWritePlan.Source] = []
    var members: [(String, Draft)] = []
    var lists: [(FieldSpec, Draft)] = []
    var always = false

    func member(_ name: String) -> Draft {
        if let existing = members.first(where: { $0.0 == name }) { return existing.1 }
        let child = Draft()
        members.append((name, child))
        return child
    }

    func descend(_ steps: [String]) -> Draft {
        steps.reduce(self) { $0.member($1) }
    }

    /// Members in the schema's order, those it does not name after them in the order written.
    func sort(by schema: SchemaNode?) {
        guard let schema = schema?.resolved else { return }
        let names = schema.properties.map(\.0)
        let ranked: [(rank: Int, offset: Int, member: (String, Draft))] = members.enumerated().map { offset, member in
            (names.firstIndex(of: member.0) ?? Int.max, offset, member)
        }
        members = ranked.sorted { $0.rank == $1.rank ? $0.offset < $1.offset : $0.rank < $1.rank }.map(\.member)
        for (name, member) in members { member.sort(by: schema.property(name)) }
        for (_, item) in lists { item.sort(by: schema.items) }
    }
}

extension MessageEnvelope {
    subscript(field: EnvelopeField) -> String? {
        switch field {
        case .messageId: messageId
        case .sentAt: sentAt
        case .sender: sender
        case .receiver: receiver
        case .reference: reference
        }
    }
}
