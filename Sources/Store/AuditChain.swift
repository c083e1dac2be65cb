import Foundation
import GatewayCore
import SQLKit

/// The tamper-evident log: every stored event is a row holding the hash of the row before it,
/// so an edited row no longer matches its hash, and a removed one breaks the numbering or the
/// link of the next. `audit_head` keeps the last link, so rows removed from the end show too.
enum AuditChain {
    static let genesis = String(repeating: "0", count: 64)

    /// One event to append.
    struct Event {
        let kind: String
        let subject: String
        let detail: String
        let at: Date
    }

    /// Appends one event in the caller's transaction.
    static func append(kind: String, subject: String, detail: String, at: Date, on db: any SQLDatabase,
                       dialect: SQLBackend.Dialect) async throws {
        try await append([Event(kind: kind, subject: subject, detail: detail, at: at)], on: db, dialect: dialect)
    }

    /// Appends events in order in the caller's transaction, with one insert for all of them.
    static func append(_ events: [Event], on db: any SQLDatabase, dialect: SQLBackend.Dialect) async throws {
        guard !events.isEmpty else { return }
        // Appends take turns: the next link needs the last one.
        if dialect == .postgres { try await db.raw("SELECT pg_advisory_xact_lock(7302)").run() }
        let head = try await db.raw("SELECT sequence, hash FROM audit_head WHERE id = 1").first()
        var sequence = try head?.decode(column: "sequence", as: Int64.self) ?? 0
        var previousHash = try head?.decode(column: "hash", as: String.self) ?? genesis
        var insert = SQLQueryString("INSERT INTO audit_events (sequence, at, kind, subject, detail, previous_hash, hash) VALUES ")
        for (index, event) in events.enumerated() {
            sequence += 1
            let time = StoreTime.milliseconds(event.at)
            let hash = link(sequence: sequence, at: time, kind: event.kind, subject: event.subject, detail: event.detail, previousHash: previousHash)
            insert.appendInterpolation(unsafeRaw: index == 0 ? "" : ", ")
            insert.appendInterpolation(
                "(\(bind: sequence), \(bind: time), \(bind: event.kind), \(bind: event.subject), \(bind: event.detail), \(bind: previousHash), \(bind: hash))"
                as SQLQueryString)
            previousHash = hash
        }
        try await db.raw(insert).run()
        try await db.raw("""
            INSERT INTO audit_head (id, sequence, hash) VALUES (1, \(bind: sequence), \(bind: previousHash))
            ON CONFLICT (id) DO UPDATE SET sequence = excluded.sequence, hash = excluded.hash
            """).run()
    }

    static func link(sequence: Int64, at: Int64, kind: String, subject: String, detail: String, previousHash: String) -> String {
        // Lengths before each text keep "a|b" + "c" apart from "a" + "b|c".
        let fields = [String(sequence), String(at), kind, subject, detail, previousHash]
        return Digest.sha256Hex(Array(fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "|").utf8))
    }

    /// Walks the chain from the first row; the first row that was edited or removed, or nil.
    static func verify(on db: any SQLDatabase) async throws -> AuditVerification {
        // The head first: events appended while the chain is walked (a gateway in service) come
        // after it and are left for the next walk.
        let head = try await db.raw("SELECT sequence, hash FROM audit_head WHERE id = 1").first()
        let headSequence = try head?.decode(column: "sequence", as: Int64.self) ?? 0
        let headHash = try head?.decode(column: "hash", as: String.self) ?? genesis
        let rows = try await db.raw("""
            SELECT sequence, at, kind, subject, detail, previous_hash, hash FROM audit_events WHERE sequence <= \(bind: headSequence) ORDER BY sequence
            """).all()
        var expectedSequence: Int64 = 1
        var previousHash = genesis
        for row in rows {
            let sequence = try row.decode(column: "sequence", as: Int64.self)
            guard sequence == expectedSequence else {
                return AuditVerification(rows: rows.count, problem: .removed(sequence: expectedSequence))
            }
            let recorded = try row.decode(column: "hash", as: String.self)
            let computed = link(sequence: sequence, at: try row.decode(column: "at", as: Int64.self),
                                kind: try row.decode(column: "kind", as: String.self),
                                subject: try row.decode(column: "subject", as: String.self),
                                detail: try row.decode(column: "detail", as: String.self),
                                previousHash: try row.decode(column: "previous_hash", as: String.self))
            guard try row.decode(column: "previous_hash", as: String.self) == previousHash, computed == recorded else {
                return AuditVerification(rows: rows.count, problem: .edited(sequence: sequence))
            }
            previousHash = recorded
            expectedSequence += 1
        }
        if headSequence != expectedSequence - 1 || headHash != previousHash {
            return AuditVerification(rows: rows.count, problem: headSequence >= expectedSequence
                ? .removed(sequence: expectedSequence) : .edited(sequence: max(expectedSequence - 1, 1)))
        }
        return AuditVerification(rows: rows.count, problem: nil)
    }
}

/// The outcome of walking the audit chain.
public struct AuditVerification: Sendable, Equatable {
    public enum Problem: Sendable, Equatable {
        /// The row with this number no longer matches its hash or its link to the row before.
        case edited(sequence: Int64)
        /// The row with this number is missing.
        case removed(sequence: Int64)
    }

    public let rows: Int
    public let problem: Problem?

    public init(rows: Int, problem: Problem?) {
        self.rows = rows
        self.problem = problem
    }

    public var isIntact: Bool { problem == nil }

    public var summary: String {
        switch problem {
        case nil: "The audit chain is intact: \(rows) events."
        case .edited(let sequence)?: "Audit event \(sequence) was edited: it no longer matches its hash or its link to event \(sequence - 1)."
        case .removed(let sequence)?: "Audit event \(sequence) was removed: the chain has no event with that number."
        }
    }
}

/// One line of the audit chain, as an operator reads it.
public struct AuditEntry: Sendable, Equatable {
    public let sequence: Int64
    public let at: Date
    public let kind: String
    public let subject: String
    public let detail: String
}

extension GatewayStore {
    /// The audit lines of a kind (`message.refused`, `delivery.dead-letter` …), oldest first.
    public func auditEntries(kind: String) async throws(GatewayError) -> [AuditEntry] {
        try await read("reading the audit chain") { db in
            try await db.raw("SELECT * FROM audit_events WHERE kind = \(bind: kind) ORDER BY sequence").all().map { row in
                AuditEntry(sequence: try row.decode(column: "sequence", as: Int64.self),
                           at: StoreTime.date(try row.decode(column: "at", as: Int64.self)),
                           kind: kind, subject: try row.decode(column: "subject", as: String.self),
                           detail: try row.decode(column: "detail", as: String.self))
            }
        }
    }
}
