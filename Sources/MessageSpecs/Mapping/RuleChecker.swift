import GatewayCore

/// Checks a record against its spec's own rules. Each violation carries the rule's code (a
/// partner's business code such as `DECISION_INCOMPLETE`, or `SCHEMA_INVALID`) and the place
/// in the document of the field concerned.
struct RuleChecker {
    let spec: MessageSpec

    struct Violation {
        let code: ErrorCode
        let detail: ErrorDetail
        /// Of a rule checked after the case's own refusals.
        var afterCase = false
    }

    /// `root`: where the record's document element is, spelled out only for a violation: most
    /// records meet every rule, and walking up the document for its path showed in profiles.
    func check(_ record: JSONObject, root: () -> String) -> [Violation] {
        var violations: [Violation] = []
        func base() -> String { root() + (spec.recordPath.isEmpty ? "" : "/\(spec.recordPath)") }
        for rule in spec.rules {
            let before = violations.count
            defer { for index in before..<violations.count { violations[index].afterCase = rule.afterCase } }
            if let group = rule.each {
                let field = spec.fields.first { $0.name == group }
                let items = record.value(at: group)?.arrayValue ?? []
                for (index, item) in items.enumerated() {
                    guard let object = item.objectValue else { continue }
                    violations += check(rule, object, fields: field?.fields ?? []) {
                        "\(base())/\(field?.path?.description ?? group)[\(index + 1)]"
                    }
                }
            } else {
                violations += check(rule, record, fields: spec.fields, base: base)
            }
        }
        return violations
    }

    private func check(_ rule: RuleSpec, _ object: JSONObject, fields: [FieldSpec], base: () -> String) -> [Violation] {
        for (name, values) in rule.when {
            guard let value = object.value(at: name)?.text, values.contains(value) else { return [] }
        }
        func place(_ name: String) -> String {
            guard let path = fields.first(where: { $0.name == name })?.path else { return "\(base())/\(name)" }
            return "\(base())/\(path)"
        }
        var violations: [Violation] = []
        // Spelled out only for a violation: most records meet every rule.
        var because: String {
            let condition = rule.when.map { "\($0.field) is \($0.values.joined(separator: " or "))" }.joined(separator: " and ")
            return condition.isEmpty ? "" : " when \(condition)"
        }
        for name in rule.require where object.value(at: name) == nil {
            violations.append(Violation(code: rule.code, detail: ErrorDetail(path: place(name), message: "is required\(because)")))
        }
        for name in rule.forbid where object.value(at: name) != nil {
            violations.append(Violation(code: rule.code, detail: ErrorDetail(path: place(name), message: "is not allowed\(because)")))
        }
        if let (earlier, later) = rule.notAfter,
           let first = object.value(at: earlier)?.text, let second = object.value(at: later)?.text, first > second {
            violations.append(Violation(code: rule.code, detail: ErrorDetail(path: place(earlier),
                message: "\(first) is after \(later) \(second)")))
        }
        return violations
    }
}

extension JSONValue {
    /// The value as text, for rules comparing codes and dates.
    var text: String? {
        switch self {
        case .string(let text): text
        case .number(let number): number.json
        case .bool(let flag): flag ? "true" : "false"
        default: nil
        }
    }
}
