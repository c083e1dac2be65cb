import Foundation
import GatewayCore
import SQLKit

/// A case (application, licence, payment, certificate): its current status and its timeline.
public struct CaseTimeline: Sendable, Equatable {
    public let kind: CaseKind
    public let key: String
    public let status: CaseStatus?
    public let events: [CaseEvent]
}

enum Cases {
    static func auditEvent(_ event: CaseEvent) -> AuditChain.Event {
        AuditChain.Event(kind: "case.\(event.event)", subject: "\(event.kind.rawValue)/\(event.key)",
                         detail: "\(event.status?.rawValue ?? "no status") by \(event.partner) \(event.messageId ?? "")\(event.detail.map { " (\($0))" } ?? "")",
                         at: event.at)
    }

    /// Appends lines to cases' timelines, in one insert. A case without typed state takes its
    /// event's status as its own; a case whose update is stored beside it keeps the update's.
    /// The `case.state` audit events of the cases whose status the events set.
    static func append(_ events: [CaseEvent], updated: [CaseUpdate], to writes: TransactionWrites, on db: any SQLDatabase) async throws -> [AuditChain.Event] {
        guard !events.isEmpty else { return [] }
        var insert = SQLQueryString("INSERT INTO case_events (kind, case_key, at, event, status, partner, message_id, signer, detail) VALUES ")
        for (index, event) in events.enumerated() {
            insert.appendInterpolation(unsafeRaw: index == 0 ? "" : ", ")
            insert.appendInterpolation("""
                (\(bind: event.kind.rawValue), \(bind: event.key), \(bind: StoreTime.milliseconds(event.at)), \(bind: event.event),
                 \(bind: event.status?.rawValue), \(bind: event.partner), \(bind: event.messageId), \(bind: event.signer), \(bind: event.detail))
                """ as SQLQueryString)
        }
        try await writes.add(insert)
        let untyped = events.filter { event in !updated.contains(where: { $0.kind == event.kind && $0.key == event.key }) }
        guard !untyped.isEmpty else { return [] }
        // Their versions are read back: what was kept to be sent together goes first.
        try await writes.flush()
        var states: [AuditChain.Event] = []
        for event in untyped {
            let at = StoreTime.milliseconds(event.at)
            let version = try await db.raw("""
                INSERT INTO cases (kind, case_key, status, version, updated_at)
                VALUES (\(bind: event.kind.rawValue), \(bind: event.key), \(bind: event.status?.rawValue), 1, \(bind: at))
                ON CONFLICT (kind, case_key) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at, version = cases.version + 1
                RETURNING version
                """).first()?.decode(column: "version", as: Int.self) ?? 0
            states.append(stateEvent(event.kind, event.key, version: version, status: event.status, facts: nil, at: event.at))
        }
        return states
    }

    /// What the chain keeps of a case's state at each version: its status and the digest of its
    /// facts (`none` when the version left them as they were). `gateway audit verify` holds the
    /// row to the record of its version.
    static func stateEvent(_ kind: CaseKind, _ key: String, version: Int, status: CaseStatus?, facts: String?, at time: Date) -> AuditChain.Event {
        AuditChain.Event(kind: "case.state", subject: "\(kind.rawValue)/\(key)",
                         detail: "version \(version) status \(status?.rawValue ?? "none") facts \(facts.map { "sha256:" + Digest.sha256Hex(Array($0.utf8)) } ?? "none")",
                         at: time)
    }

    /// Stores a case's new state if it is still at the version the step read (compare-and-set);
    /// otherwise `CASE_CHANGED`, and the step decides again on the case as it now is.
    static func apply(_ update: CaseUpdate, at time: Date, to writes: TransactionWrites) async throws {
        let at = StoreTime.milliseconds(time)
        let kind = update.kind.rawValue
        let statement: SQLQueryString
        if update.expectedVersion == 0 {
            statement = """
                INSERT INTO cases (kind, case_key, status, state, version, alias, valid_until, updated_at)
                VALUES (\(bind: kind), \(bind: update.key), \(bind: update.status?.rawValue), \(bind: update.facts), 1,
                        \(bind: update.alias), \(bind: update.validUntil), \(bind: at))
                ON CONFLICT (kind, case_key) DO UPDATE SET status = excluded.status, state = excluded.state, version = cases.version + 1,
                    alias = excluded.alias, valid_until = excluded.valid_until, updated_at = excluded.updated_at
                WHERE cases.version = 0
                RETURNING version
                """
        } else {
            statement = """
                UPDATE cases SET status = \(bind: update.status?.rawValue), state = COALESCE(\(bind: update.facts), state), version = version + 1,
                    alias = \(bind: update.alias), valid_until = \(bind: update.validUntil), updated_at = \(bind: at)
                WHERE kind = \(bind: kind) AND case_key = \(bind: update.key) AND version = \(bind: update.expectedVersion)
                RETURNING version
                """
        }
        try await writes.add(statement, failing: changed(update.kind, update.key))
    }

    /// Counts an item once for its case; an item counted already means the case changed.
    static func count(_ item: CaseItem, to writes: TransactionWrites) async throws {
        try await writes.add("""
            INSERT INTO case_items (kind, case_key, item) VALUES (\(bind: item.kind.rawValue), \(bind: item.key), \(bind: item.item))
            ON CONFLICT (kind, case_key, item) DO NOTHING RETURNING item
            """, failing: changed(item.kind, item.key))
    }

    /// Whether `store` writes these without reading anything back: every event's case has its
    /// update, and no case two. Its writes can then be sent as a transaction of one statement.
    static func writtenBlind(updates: [CaseUpdate], events: [CaseEvent]) -> Bool {
        var cases = Set<CaseName>()
        for update in updates where !cases.insert(CaseName(update.kind, update.key)).inserted { return false }
        return events.allSatisfy { cases.contains(CaseName($0.kind, $0.key)) }
    }

    /// A case as a key of sets: its kind and its key.
    struct CaseName: Hashable {
        let kind: CaseKind
        let key: String

        init(_ kind: CaseKind, _ key: String) {
            self.kind = kind
            self.key = key
        }
    }

    /// Everything a message or an answer changes in the cases, in its transaction: the updates
    /// (compare-and-set), the counted items, then the timeline lines with their audit events.
    /// Two updates of one case are stored one after the other: one statement cannot change a row twice.
    static func store(updates: [CaseUpdate], items: [CaseItem], events: [CaseEvent], at time: Date,
                      to writes: TransactionWrites, on db: any SQLDatabase) async throws -> [AuditChain.Event] {
        var updated = Set<CaseName>()
        for update in updates {
            if !updated.insert(CaseName(update.kind, update.key)).inserted { try await writes.flush() }
            try await apply(update, at: time, to: writes)
        }
        for item in items { try await count(item, to: writes) }
        let untyped = try await append(events, updated: updates, to: writes, on: db)
        let typed = updates.map { stateEvent($0.kind, $0.key, version: $0.expectedVersion + 1, status: $0.status, facts: $0.facts, at: time) }
        return events.map(auditEvent) + typed + untyped
    }

    static func changed(_ kind: CaseKind, _ key: String) -> GatewayError {
        GatewayError(.caseChanged, "The \(kind.rawValue) \(key) changed while the message was handled; it is handled again.")
    }

    static let columns = "kind, case_key, status, state, version"

    static func decode(_ row: any SQLRow) throws -> StoredCase? {
        guard let kind = CaseKind(rawValue: try row.decode(column: "kind", as: String.self)) else { return nil }
        return StoredCase(kind: kind, key: try row.decode(column: "case_key", as: String.self),
                          status: try row.decode(column: "status", as: String?.self).flatMap { CaseStatus(rawValue: $0) },
                          facts: try row.decode(column: "state", as: String?.self),
                          version: try row.decode(column: "version", as: Int.self))
    }
}

extension GatewayStore {
    /// Every case, in the order its first event was stored: the story of a store (the demo's
    /// closing timelines). Reads the whole timeline index: for tools, not for the message path.
    public func cases() async throws(GatewayError) -> [(kind: CaseKind, key: String)] {
        try await read("listing the cases") { db in
            try await db.raw("SELECT kind, case_key, MIN(id) AS first FROM case_events GROUP BY kind, case_key ORDER BY first").all().compactMap { row in
                guard let kind = CaseKind(rawValue: try row.decode(column: "kind", as: String.self)) else { return nil }
                return (kind, try row.decode(column: "case_key", as: String.self))
            }
        }
    }

    public func timeline(kind: CaseKind, key: String) async throws(GatewayError) -> CaseTimeline? {
        try await read("reading case \(kind.rawValue)/\(key)") { db in
            guard let row = try await db.raw("SELECT status FROM cases WHERE kind = \(bind: kind.rawValue) AND case_key = \(bind: key)").first() else {
                return nil
            }
            let events = try await db.raw("""
                SELECT * FROM case_events WHERE kind = \(bind: kind.rawValue) AND case_key = \(bind: key) ORDER BY id
                """).all().map { row in
                CaseEvent(kind: kind, key: key,
                          event: try row.decode(column: "event", as: String.self),
                          status: try row.decode(column: "status", as: String?.self).flatMap { CaseStatus(rawValue: $0) },
                          partner: try row.decode(column: "partner", as: String.self),
                          messageId: try row.decode(column: "message_id", as: String?.self),
                          signer: try row.decode(column: "signer", as: String?.self),
                          at: StoreTime.date(try row.decode(column: "at", as: Int64.self)),
                          detail: try row.decode(column: "detail", as: String?.self))
            }
            let status = try row.decode(column: "status", as: String?.self).flatMap { CaseStatus(rawValue: $0) }
            return CaseTimeline(kind: kind, key: key, status: status, events: events)
        }
    }

    /// A case's status, facts and version: one row, whatever the case's age.
    public func storedCase(kind: CaseKind, key: String) async throws(GatewayError) -> StoredCase? {
        try await read("reading case \(kind.rawValue)/\(key)") { db in
            try await db.raw("SELECT \(unsafeRaw: Cases.columns) FROM cases WHERE kind = \(bind: kind.rawValue) AND case_key = \(bind: key)")
                .first().flatMap(Cases.decode)
        }
    }

    /// The case of one of `kinds` found by another number of it (a licence's number, the
    /// declaration of a tax notice).
    public func storedCase(_ kinds: [CaseKind], alias: String) async throws(GatewayError) -> StoredCase? {
        guard !kinds.isEmpty else { return nil }
        return try await read("reading the case of \(alias)") { db in
            try await db.raw("""
                SELECT \(unsafeRaw: Cases.columns) FROM cases WHERE alias = \(bind: alias) AND kind IN \(Self.list(kinds.map(\.rawValue)))
                ORDER BY kind LIMIT 1
                """).first().flatMap(Cases.decode)
        }
    }

    /// The licence cases whose validity ended before `date` and that can still expire: one
    /// indexed lookup, whatever the number of licences.
    public func casesValid(until date: String) async throws(GatewayError) -> [StoredCase] {
        try await read("looking up licences valid until \(date)") { db in
            try await db.raw("SELECT \(unsafeRaw: Cases.columns) FROM cases WHERE valid_until < \(bind: date) ORDER BY valid_until")
                .all().compactMap(Cases.decode)
        }
    }

    /// Whether a case counted an item already (a declaration that drew on a licence).
    public func counts(_ item: CaseItem) async throws(GatewayError) -> Bool {
        try await read("looking up \(item.item) of \(item.kind.rawValue)/\(item.key)") { db in
            try await db.raw("""
                SELECT 1 AS found FROM case_items WHERE kind = \(bind: item.kind.rawValue) AND case_key = \(bind: item.key) AND item = \(bind: item.item)
                """).first() != nil
        }
    }

    /// Records case changes that no message caused (a licence expiring with the calendar), in one
    /// transaction with their audit events, when the cases are still as the step read them.
    public func append(_ events: [CaseEvent], updates: [CaseUpdate] = [], items: [CaseItem] = [], at time: Date) async throws(GatewayError) {
        let chains = self.chains
        let alone = Cases.writtenBlind(updates: updates, events: events)
        try await write("recording \(events.count) case events", alone: alone) { db in
            let writes = TransactionWrites(on: db, chains: chains, alone: alone)
            try await writes.finish(auditing: try await Cases.store(updates: updates, items: items, events: events, at: time, to: writes, on: db))
        }
    }

    /// The business objects with outbound messages of a type whose case has no facts yet, found
    /// as `keyPrefix` + the case's licence number (licences recorded before cases kept their facts).
    /// Each message's case is found by its alias (`cases_alias`): matched on `keyPrefix || alias`
    /// alone, every message was held against every case, 14 s at every start with 20,000 licences.
    public func businessKeysWithoutFacts(outbound type: String, keyPrefix: String) async throws(GatewayError) -> [String] {
        let aliasStart = keyPrefix.unicodeScalars.count + 1
        return try await read("listing the objects of \(type) without facts") { db in
            try await db.raw("""
                SELECT DISTINCT business_key FROM messages m
                WHERE direction = \(direction: .outbound) AND message_type = \(bind: type) AND business_key IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM cases c
                                    WHERE c.alias = SUBSTR(m.business_key, \(unsafeRaw: String(aliasStart))) AND c.state IS NOT NULL
                                      AND CAST(\(bind: keyPrefix) AS TEXT) || c.alias = m.business_key)
                ORDER BY business_key
                """).all().map { try $0.decode(column: "business_key", as: String.self) }
        }
    }

    /// Walks the audit chain: intact, or the first event edited or removed. On PostgreSQL the walk
    /// and the rows it is held against are read in one snapshot: a gateway in service commits a
    /// delivery attempt and its event together, and a walk must not see the one without the other.
    public func verifyAudit() async throws(GatewayError) -> AuditVerification {
        let dialect = backend.dialect
        return try await run("verifying the audit chain", limit: .seconds(3600)) { db in
            if dialect == .postgres { try await db.raw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").run() }
            return try await AuditChain.verify(on: db)
        }
    }
}
