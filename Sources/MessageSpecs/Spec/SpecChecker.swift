import GatewayCore

/// Checks one spec against its schema and its record before the gateway starts using it:
/// every path exists in the schema, every name in the record, every required record member is
/// provided, and an outbound spec can write every field it declares.
struct SpecChecker {
    let spec: MessageSpec
    let outline: XSDOutline?
    let jsonSchema: JSONSchema?
    let shape: RecordShape

    func check() throws(GatewayError) {
        for (_, path) in spec.envelope { try checkPath(path, from: [], at: spec.location) }
        for constant in spec.constants { try checkPath(constant.path, from: [], at: spec.location) }
        try checkPath(spec.idempotencyKey, from: [], at: spec.location)
        try checkFields(spec.fields, group: nil, base: spec.recordPath.steps)
        try checkCoverage()
        try checkRules()
    }

    private func checkFields(_ fields: [FieldSpec], group: String?, base: [String]) throws(GatewayError) {
        for field in fields {
            for path in field.paths { try checkPath(path, from: path.absolute ? [] : base, at: field.location, repeated: field.repeated) }
            if let name = field.name {
                let qualified = group.map { "\($0)[].\(name)" } ?? name
                guard shape.contains(qualified) else {
                    throw field.location.error("the record \(spec.record) has no \(qualified) (it has \(shape.names.sorted().filter { !$0.contains(".") || group != nil }.prefix(40).joined(separator: ", ")))")
                }
                if field.repeated, let path = field.path {
                    try checkFields(field.fields, group: qualified, base: base + path.steps + (spec.format == .json ? ["[]"] : []))
                }
            }
            if spec.isOutbound {
                if let converter = field.converter, !converter.isReversible {
                    throw field.location.error("this converter only reads, but \(spec.key) is written by the gateway (direction \(spec.direction.rawValue))")
                }
                if field.paths.count > 1, !field.alternatives {
                    throw field.location.error("a value read from several paths cannot be written, but \(spec.key) is written by the gateway")
                }
            }
        }
    }

    private func checkPath(_ path: DocumentPath, from base: [String], at location: SpecLocation, repeated: Bool = false) throws(GatewayError) {
        switch spec.format {
        case .xml:
            guard let element = spec.recognition.element, var node = outline?.root(element) else {
                throw location.error("the schema declares no element \(spec.recognition.element ?? "?")")
            }
            var walked = [element]
            for step in base + path.steps {
                guard let next = node.child(step) else {
                    let known = node.children.map(\.name).joined(separator: ", ")
                    throw location.error("\(path) is not in the schema: \(walked.joined(separator: "/")) has no element \(step) (it has \(known.isEmpty ? "no child elements" : known))")
                }
                node = next
                walked.append(step)
            }
            if let attribute = path.attribute, !node.attributes.contains(attribute) {
                throw location.error("\(path) is not in the schema: \(walked.joined(separator: "/")) has no attribute \(attribute)")
            }
        case .json:
            var steps = base + path.steps
            if repeated { steps.append("[]") }
            guard jsonSchema?.hasMember(at: steps) == true else {
                throw location.error("\(path) is not in the schema \(spec.schemaFile)")
            }
        }
    }

    /// Every member the record requires must come from a field of an inbound spec, or decoding it fails later.
    private func checkCoverage() throws(GatewayError) {
        guard spec.isInbound else { return }
        var provided: Set<String> = []
        func collect(_ fields: [FieldSpec], group: String?) {
            for field in fields {
                guard let name = field.name else { continue }
                let qualified = group.map { "\($0)[].\(name)" } ?? name
                var parts = qualified.split(separator: ".").map(String.init)
                while !parts.isEmpty {
                    provided.insert(parts.joined(separator: ".").replacingOccurrences(of: "[]", with: ""))
                    provided.insert(parts.joined(separator: "."))
                    parts.removeLast()
                }
                if field.repeated { collect(field.fields, group: qualified) }
            }
        }
        collect(spec.fields, group: nil)
        for name in shape.required.sorted() where !provided.contains(name) {
            let parent = name.split(separator: ".").dropLast().joined(separator: ".")
            let parentProvided = parent.isEmpty || provided.contains(parent) || provided.contains(String(parent.dropLast(2)))
            if parentProvided {
                throw spec.location.error("the record \(spec.record) requires \(name), which no field of the spec provides")
            }
        }
    }

    private func checkRules() throws(GatewayError) {
        for condition in spec.when where !shape.contains(condition.field) {
            throw spec.location.error("when names \(condition.field), which the record \(spec.record) does not have")
        }
        for rule in spec.rules {
            let names = rule.when.map(\.field) + rule.require + rule.forbid + [rule.notAfter?.0, rule.notAfter?.1].compactMap { $0 }
            if let group = rule.each, !spec.fields.contains(where: { $0.name == group && $0.repeated }) {
                throw rule.location.error("each: \(group) is not a repeated group of the spec")
            }
            for name in names {
                let qualified = rule.each.map { "\($0)[].\(name)" } ?? name
                guard shape.contains(qualified) else { throw rule.location.error("the rule names \(qualified), which the record \(spec.record) does not have") }
            }
        }
    }
}
