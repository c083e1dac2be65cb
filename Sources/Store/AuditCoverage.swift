import Foundation
import GatewayCore
import SQLKit

/// What the audit chain vouches for, compared with the rows it speaks of: every stored message's
/// exact bytes (the digest its `message.received` or `message.queued` event recorded), every
/// delivery attempt (its number, outcome and HTTP status), every case's status (its last event's).
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

    private static func cases(on db: any SQLDatabase) async throws -> AuditVerification.Problem? {
        // The statuses a case's events gave it at its last moment (several events may share it).
        var last: [String: (at: Int64, statuses: Set<String>)] = [:]
        for row in try await db.raw("SELECT subject, at, detail FROM audit_events WHERE kind LIKE 'case.%'").all() {
            let subject = try row.decode(column: "subject", as: String.self)
            let at = try row.decode(column: "at", as: Int64.self)
            let detail = try row.decode(column: "detail", as: String.self)
            let status = detail.hasPrefix("no status") ? "" : String(detail.prefix { $0 != " " })
            if let known = last[subject], known.at > at { continue }
            if let known = last[subject], known.at == at { last[subject]?.statuses.insert(status) } else { last[subject] = (at, [status]) }
        }
        for row in try await db.raw("SELECT kind, case_key, status FROM cases").all() {
            let subject = "\(try row.decode(column: "kind", as: String.self))/\(try row.decode(column: "case_key", as: String.self))"
            guard let events = last[subject] else { continue }
            let status = try row.decode(column: "status", as: String?.self) ?? ""
            guard events.statuses.contains(status) else {
                return .contentChanged("The status of case \(subject) was changed: \(status.isEmpty ? "none" : status) is not what its last event in the audit chain says (\(events.statuses.sorted().joined(separator: " or "))).")
            }
        }
        return nil
    }
}
