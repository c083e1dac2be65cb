import Foundation
import GatewayCore
import SQLKit

/// What the audit chain vouches for, compared with the rows it speaks of: every stored message's
/// exact bytes (the digest its `message.received` or `message.queued` event recorded), every
/// delivery attempt (its number, outcome and HTTP status), every case's status and facts (the
/// `case.state` record of its version).
/// An intact chain whose messages, attempts or cases were edited — or a chain wiped and the
/// messages left — shows here.
enum AuditCoverage {
    /// Messages are read this many at a time: a store of any size is checked in bounded memory.
    static let page = 500

    static func check(on db: any SQLDatabase) async throws -> AuditVerification.Problem? {
        if let problem = try await messages(on: db) { return problem }
        if let problem = try await attempts(on: db) { return problem }
        return try await cases(on: db)
    }

    private static func messages(on db: any SQLDatabase) async throws -> AuditVerification.Problem? {
        var digests: [String: String] = [:]
        for row in try await db.raw("SELECT subject, detail FROM audit_events WHERE kind IN ('message.received', 'message.queued')").all() {
            let detail = try row.decode(column: "detail", as: String.self)
            guard let range = detail.range(of: "sha256:") else { continue }
            digests[try row.decode(column: "subject", as: String.self)] = String(detail[range.upperBound...].prefix(64))
        }
        var after = ""
        while true {
            let rows = try await db.raw("SELECT id, body FROM messages WHERE id > \(bind: after) ORDER BY id LIMIT \(unsafeRaw: String(page))").all()
            for row in rows {
                let id = try row.decode(column: "id", as: String.self)
                guard let recorded = digests[id] else { return .uncovered("Message \(id) is stored but the audit chain has no event of its arrival or queueing.") }
                guard Digest.sha256Hex(Array(try row.decode(column: "body", as: Data.self))) == recorded else {
                    return .contentChanged("The stored bytes of message \(id) were changed: their SHA-256 is not the one the audit chain recorded (sha256:\(recorded)).")
                }
                after = id
            }
            if rows.count < page { return nil }
        }
    }

    private static func attempts(on db: any SQLDatabase) async throws -> AuditVerification.Problem? {
        var recorded = Set<String>()
        for row in try await db.raw("SELECT kind, subject, detail FROM audit_events WHERE kind LIKE 'delivery.%'").all() {
            let detail = try row.decode(column: "detail", as: String.self)
            guard detail.hasPrefix("attempt ") else { continue }
            let words = detail.split(separator: " ", maxSplits: 3)
            let number = words.count > 1 ? String(words[1].prefix { $0.isNumber }) : ""
            let status = words.count > 3 && words[2] == "HTTP" ? String(words[3].prefix { $0.isNumber }) : ""
            let outcome = String(try row.decode(column: "kind", as: String.self).dropFirst("delivery.".count))
            recorded.insert("\(try row.decode(column: "subject", as: String.self))|\(number)|\(outcome)|\(status)")
        }
        for row in try await db.raw("SELECT message_id, attempt, outcome, http_status FROM delivery_attempts ORDER BY id").all() {
            let id = try row.decode(column: "message_id", as: String.self)
            let attempt = try row.decode(column: "attempt", as: Int.self)
            let key = "\(id)|\(attempt)|\(try row.decode(column: "outcome", as: String.self))|\(try row.decode(column: "http_status", as: Int?.self).map(String.init) ?? "")"
            guard recorded.contains(key) else {
                return .contentChanged("Delivery attempt \(attempt) of message \(id) was changed or added: its outcome and HTTP status are not the ones the audit chain recorded.")
            }
        }
        return nil
    }

    /// Each case against the `case.state` record of its version: the same status, and facts with
    /// the digest last recorded. Every version a case reaches is recorded (the versions are unique
    /// while the case lives; of a case whose numbering started again, the latest record counts).
    /// Cases not changed since the chain began to record their state are not vouched for.
    private static func cases(on db: any SQLDatabase) async throws -> AuditVerification.Problem? {
        struct State { let version: Int; let at: Int64; let status: String; let facts: String? }
        var recorded: [String: [State]] = [:]
        for row in try await db.raw("SELECT subject, at, detail FROM audit_events WHERE kind = 'case.state'").all() {
            let words = try row.decode(column: "detail", as: String.self).split(separator: " ")
            guard words.count == 6, let version = Int(words[1]) else { continue }
            let facts = words[5].hasPrefix("sha256:") ? String(words[5].dropFirst("sha256:".count)) : nil
            recorded[try row.decode(column: "subject", as: String.self), default: []]
                .append(State(version: version, at: try row.decode(column: "at", as: Int64.self), status: String(words[3]), facts: facts))
        }
        for row in try await db.raw("SELECT kind, case_key, status, state, version FROM cases").all() {
            let subject = "\(try row.decode(column: "kind", as: String.self))/\(try row.decode(column: "case_key", as: String.self))"
            guard let states = recorded[subject] else { continue }
            let version = try row.decode(column: "version", as: Int.self)
            guard let record = states.filter({ $0.version == version }).max(by: { $0.at < $1.at }) else {
                return .contentChanged("The version of case \(subject) was changed: the audit chain recorded no version \(version) of it.")
            }
            let status = try row.decode(column: "status", as: String?.self) ?? "none"
            guard status == record.status else {
                return .contentChanged("The status of case \(subject) was changed: \(status) is not what the audit chain recorded for its version \(version) (\(record.status)).")
            }
            if let facts = states.filter({ $0.facts != nil && $0.version <= version }).max(by: { ($0.version, $0.at) < ($1.version, $1.at) })?.facts,
               let state = try row.decode(column: "state", as: String?.self), Digest.sha256Hex(Array(state.utf8)) != facts {
                return .contentChanged("The facts of case \(subject) were changed: they are not the ones the audit chain recorded.")
            }
        }
        return nil
    }
}
