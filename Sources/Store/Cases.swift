import Foundation
import GatewayCore
import SQLKit

/// A case (application, licence, payment, certificate): its current status and its timeline.
public struct CaseTimeline: Sendable, Equatable {
    public let kind: String
    public let key: String
    public let status: String
    public let events: [CaseEvent]
}

enum Cases {
    static func check(_ condition: CaseCondition, on db: any SQLDatabase, dialect: SQLBackend.Dialect) async throws {
        if dialect == .postgres {
            // Messages about one case take turns until their transactions end.
            try await db.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: "\(condition.kind)/\(condition.key)")))").run()
        }
        let status = try await db.raw("SELECT status FROM cases WHERE kind = \(bind: condition.kind) AND case_key = \(bind: condition.key)")
            .first()?.decode(column: "status", as: String.self)
        guard condition.allowed.contains(status) else { throw condition.refusal }
    }

    static func auditEvent(_ event: CaseEvent) -> AuditChain.Event {
        AuditChain.Event(kind: "case.\(event.event)", subject: "\(event.kind)/\(event.key)",
                         detail: "\(event.status) by \(event.partner) \(event.messageId ?? "")\(event.detail.map { " (\($0))" } ?? "")", at: event.at)
    }

    static func append(_ event: CaseEvent, on db: any SQLDatabase) async throws {
        let at = StoreTime.milliseconds(event.at)
        try await db.raw("""
            INSERT INTO case_events (kind, case_key, at, event, status, partner, message_id, signer, detail)
            VALUES (\(bind: event.kind), \(bind: event.key), \(bind: at), \(bind: event.event), \(bind: event.status),
                    \(bind: event.partner), \(bind: event.messageId), \(bind: event.signer), \(bind: event.detail))
            """).run()
        try await db.raw("""
            INSERT INTO cases (kind, case_key, status, updated_at) VALUES (\(bind: event.kind), \(bind: event.key), \(bind: event.status), \(bind: at))
            ON CONFLICT (kind, case_key) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at
            """).run()
    }
}

extension GatewayStore {
    public func timeline(kind: String, key: String) async throws(GatewayError) -> CaseTimeline? {
        try await read("reading case \(kind)/\(key)") { db in
            guard let row = try await db.raw("SELECT status FROM cases WHERE kind = \(bind: kind) AND case_key = \(bind: key)").first() else {
                return nil
            }
            let events = try await db.raw("SELECT * FROM case_events WHERE kind = \(bind: kind) AND case_key = \(bind: key) ORDER BY id").all().map { row in
                CaseEvent(kind: kind, key: key,
                          event: try row.decode(column: "event", as: String.self),
                          status: try row.decode(column: "status", as: String.self),
                          partner: try row.decode(column: "partner", as: String.self),
                          messageId: try row.decode(column: "message_id", as: String?.self),
                          signer: try row.decode(column: "signer", as: String?.self),
                          at: StoreTime.date(try row.decode(column: "at", as: Int64.self)),
                          detail: try row.decode(column: "detail", as: String?.self))
            }
            return CaseTimeline(kind: kind, key: key, status: try row.decode(column: "status", as: String.self), events: events)
        }
    }

    /// Records case events that no message caused (a licence expiring with the calendar), in one
    /// transaction with their audit events, when the cases are still as the conditions say.
    public func append(_ events: [CaseEvent], conditions: [CaseCondition]) async throws(GatewayError) {
        let dialect = backend.dialect
        try await run("recording \(events.count) case events") { db in
            for condition in conditions { try await Cases.check(condition, on: db, dialect: dialect) }
            for event in events { try await Cases.append(event, on: db) }
            try await AuditChain.append(events.map(Cases.auditEvent), on: db, dialect: dialect)
        }
    }

    /// The business objects with outbound messages of a type (every licence that has a record).
    public func businessKeys(outbound type: String) async throws(GatewayError) -> [String] {
        try await read("listing the objects of \(type)") { db in
            try await db.raw("""
                SELECT DISTINCT business_key FROM messages WHERE direction = 'outbound' AND message_type = \(bind: type)
                    AND business_key IS NOT NULL ORDER BY business_key
                """).all().map { try $0.decode(column: "business_key", as: String.self) }
        }
    }

    /// The cases of a kind with an event whose detail contains `text` (the tax notice of a declaration).
    public func cases(kind: String, detailContaining text: String) async throws(GatewayError) -> [String] {
        try await read("searching \(kind) cases") { db in
            try await db.raw("""
                SELECT DISTINCT case_key FROM case_events WHERE kind = \(bind: kind) AND detail LIKE \(bind: "%\(text)%") ORDER BY case_key
                """).all().map { try $0.decode(column: "case_key", as: String.self) }
        }
    }

    /// Walks the audit chain: intact, or the first event edited or removed.
    public func verifyAudit() async throws(GatewayError) -> AuditVerification {
        try await run("verifying the audit chain") { db in try await AuditChain.verify(on: db) }
    }
}
