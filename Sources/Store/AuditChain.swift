import Foundation
import GatewayCore
import SQLKit

/// The tamper-evident log: every stored event is a row holding the hash of the row before it in
/// its chain, so an edited row no longer matches its hash, and a removed one breaks the numbering
/// or the link of the next. `audit_head` keeps each chain's last link, so rows removed from the
/// end show too. Each transaction appends to one chain, chosen by its first event's subject: on
/// PostgreSQL several chains let transactions of several instances append side by side, each
/// waiting only for the one before it on the same chain (a row lock on that chain's head), not
/// for every other; `verify` walks them all.
struct AuditChains: Sendable {
    let count: Int
    let dialect: SQLBackend.Dialect

    /// The chain a transaction whose first event is about `subject` appends to: 1…count.
    func chain(for subject: String) -> Int {
        guard count > 1 else { return 1 }
        // FNV-1a: the same on every instance and every run.
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in subject.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
        return 1 + Int(hash % UInt64(count))
    }
}

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
                       chains: AuditChains) async throws {
        try await append([Event(kind: kind, subject: subject, detail: detail, at: at)], on: db, chains: chains)
    }

    /// Appends events in order to one chain in the caller's transaction, with one insert for all of them.
    static func append(_ events: [Event], on db: any SQLDatabase, chains: AuditChains) async throws {
        guard let first = events.first else { return }
        let chain = chains.chain(for: first.subject)
        if chains.dialect == .postgres {
            try await appendOnServer(events, to: chain, on: db)
            return
        }
        guard let head = try await db.raw("SELECT sequence, hash FROM audit_head WHERE id = \(bind: chain)").first() else {
            throw GatewayError(.internalError, "The head of audit chain \(chain) is missing: run gateway audit verify.")
        }
        var sequence = try head.decode(column: "sequence", as: Int64.self)
        var previousHash = try head.decode(column: "hash", as: String.self)
        var insert = SQLQueryString("INSERT INTO audit_events (chain, sequence, at, kind, subject, detail, previous_hash, hash) VALUES ")
        for (index, event) in events.enumerated() {
            sequence += 1
            let time = StoreTime.milliseconds(event.at)
            let hash = link(sequence: sequence, at: time, kind: event.kind, subject: event.subject, detail: event.detail, previousHash: previousHash)
            insert.appendInterpolation(unsafeRaw: index == 0 ? "" : ", ")
            insert.appendInterpolation(
                "(\(bind: chain), \(bind: sequence), \(bind: time), \(bind: event.kind), \(bind: event.subject), \(bind: event.detail), \(bind: previousHash), \(bind: hash))"
                as SQLQueryString)
            previousHash = hash
        }
        try await db.raw(insert).run()
        try await db.raw("UPDATE audit_head SET sequence = \(bind: sequence), hash = \(bind: previousHash) WHERE id = \(bind: chain)").run()
    }

    /// On PostgreSQL the head is locked, the links computed and the events inserted by one call of
    /// `gateway_audit_append` (migration 9, the same link as `link`): the head is then locked for
    /// one round trip less before the transaction commits, and each transaction waits on the
    /// database once instead of twice. `verify` recomputes every link in Swift.
    private static func appendOnServer(_ events: [Event], to chain: Int, on db: any SQLDatabase) async throws {
        try await db.raw("SELECT \(serverAppend(events, to: chain))").run()
    }

    /// The call of `gateway_audit_append` that appends `events` (not empty) to `chain`, for a statement of the caller's.
    static func serverAppend(_ events: [Event], to chain: Int) -> SQLQueryString {
        func array<T: Encodable & Sendable>(_ values: [T], _ type: String) -> SQLQueryString {
            GatewayStore.bound(values, between: "ARRAY[", and: "]::\(type)[]")
        }
        return """
            gateway_audit_append(\(bind: chain), \(array(events.map { StoreTime.milliseconds($0.at) }, "BIGINT")),
                                 \(array(events.map(\.kind), "TEXT")), \(array(events.map(\.subject), "TEXT")),
                                 \(array(events.map(\.detail), "TEXT")))
            """
    }

    /// Makes sure chains 1…count have a head (a new store, or more chains than before).
    static func createHeads(_ chains: AuditChains, on db: any SQLDatabase) async throws {
        var insert = SQLQueryString("INSERT INTO audit_head (id, sequence, hash) VALUES ")
        for chain in 1...chains.count {
            insert.appendInterpolation(unsafeRaw: chain == 1 ? "" : ", ")
            insert.appendInterpolation("(\(bind: chain), 0, \(bind: genesis))" as SQLQueryString)
        }
        try await db.raw("\(insert) ON CONFLICT (id) DO NOTHING").run()
    }

    static func link(sequence: Int64, at: Int64, kind: String, subject: String, detail: String, previousHash: String) -> String {
        // Lengths before each text keep "a|b" + "c" apart from "a" + "b|c".
        let fields = [String(sequence), String(at), kind, subject, detail, previousHash]
        return Digest.sha256Hex(Array(fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "|").utf8))
    }

    /// Walks every chain from its first row; the first row found edited or removed, or nil.
    static func verify(on db: any SQLDatabase) async throws -> AuditVerification {
        // The heads first: events appended while the chains are walked (a gateway in service)
        // come after them and are left for the next walk.
        let heads = try await db.raw("SELECT id, sequence, hash FROM audit_head ORDER BY id").all()
        var rows = 0, chains = 0
        for head in heads {
            let chain = try head.decode(column: "id", as: Int.self)
            let headSequence = try head.decode(column: "sequence", as: Int64.self)
            let headHash = try head.decode(column: "hash", as: String.self)
            let (walked, problem) = try await verify(chain: chain, upTo: headSequence, headHash: headHash, on: db)
            rows += walked
            if headSequence > 0 { chains += 1 }
            if let problem { return AuditVerification(rows: rows, chains: chains, problem: problem) }
        }
        // Rows of a chain whose head was removed.
        if let orphan = try await db.raw("""
            SELECT chain, MIN(sequence) AS sequence FROM audit_events WHERE chain NOT IN (SELECT id FROM audit_head) GROUP BY chain ORDER BY chain
            """).first() {
            return AuditVerification(rows: rows, chains: chains, problem: .edited(chain: try orphan.decode(column: "chain", as: Int.self),
                                                                                  sequence: try orphan.decode(column: "sequence", as: Int64.self)))
        }
        if let broken = try await checkSeals(on: db) { return AuditVerification(rows: rows, chains: chains, problem: broken) }
        return AuditVerification(rows: rows, chains: chains, problem: try await AuditCoverage.check(on: db))
    }

    private static func verify(chain: Int, upTo headSequence: Int64, headHash: String,
                               on db: any SQLDatabase) async throws -> (rows: Int, problem: AuditVerification.Problem?) {
        let rows = try await db.raw("""
            SELECT sequence, at, kind, subject, detail, previous_hash, hash FROM audit_events
            WHERE chain = \(bind: chain) AND sequence <= \(bind: headSequence) ORDER BY sequence
            """).all()
        var expectedSequence: Int64 = 1
        var previousHash = genesis
        for row in rows {
            let sequence = try row.decode(column: "sequence", as: Int64.self)
            guard sequence == expectedSequence else { return (rows.count, .removed(chain: chain, sequence: expectedSequence)) }
            let recorded = try row.decode(column: "hash", as: String.self)
            let computed = link(sequence: sequence, at: try row.decode(column: "at", as: Int64.self),
                                kind: try row.decode(column: "kind", as: String.self),
                                subject: try row.decode(column: "subject", as: String.self),
                                detail: try row.decode(column: "detail", as: String.self),
                                previousHash: try row.decode(column: "previous_hash", as: String.self))
            guard try row.decode(column: "previous_hash", as: String.self) == previousHash, computed == recorded else {
                return (rows.count, .edited(chain: chain, sequence: sequence))
            }
            previousHash = recorded
            expectedSequence += 1
        }
        if headSequence != expectedSequence - 1 || headHash != previousHash {
            return (rows.count, headSequence >= expectedSequence
                ? .removed(chain: chain, sequence: expectedSequence) : .edited(chain: chain, sequence: max(expectedSequence - 1, 1)))
        }
        return (rows.count, nil)
    }
}

/// The outcome of walking the audit chains.
public struct AuditVerification: Sendable, Equatable {
    public enum Problem: Sendable, Equatable {
        /// The row with this number in this chain no longer matches its hash or its link to the row before.
        case edited(chain: Int, sequence: Int64)
        /// The row with this number in this chain is missing.
        case removed(chain: Int, sequence: Int64)
        /// A stored row the chain does not speak of (a message whose events were wiped).
        case uncovered(String)
        /// A stored row that is not what the chain recorded of it (a message's bytes, an attempt, a case's status).
        case contentChanged(String)

        public var chain: Int {
            switch self {
            case .edited(let chain, _), .removed(let chain, _): chain
            case .uncovered, .contentChanged: 0
            }
        }

        public var sequence: Int64 {
            switch self {
            case .edited(_, let sequence), .removed(_, let sequence): sequence
            case .uncovered, .contentChanged: 0
            }
        }
    }

    public let rows: Int
    /// The chains that hold events.
    public let chains: Int
    public let problem: Problem?

    public init(rows: Int, chains: Int = 1, problem: Problem?) {
        self.rows = rows
        self.chains = chains
        self.problem = problem
    }

    public var isIntact: Bool { problem == nil }

    public var summary: String {
        switch problem {
        case nil: "The audit chain is intact: \(rows) events\(chains > 1 ? " in \(chains) chains" : "")."
        case .edited(let chain, let sequence)?:
            "Audit event \(sequence)\(chain > 1 ? " of chain \(chain)" : "") was edited: it no longer matches its hash or its link to event \(sequence - 1)."
        case .removed(let chain, let sequence)?:
            "Audit event \(sequence)\(chain > 1 ? " of chain \(chain)" : "") was removed: the chain has no event with that number."
        case .uncovered(let what)?, .contentChanged(let what)?: what
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
            try await db.raw("SELECT * FROM audit_events WHERE kind = \(bind: kind) ORDER BY at, chain, sequence").all().map { row in
                AuditEntry(sequence: try row.decode(column: "sequence", as: Int64.self),
                           at: StoreTime.date(try row.decode(column: "at", as: Int64.self)),
                           kind: kind, subject: try row.decode(column: "subject", as: String.self),
                           detail: try row.decode(column: "detail", as: String.self))
            }
        }
    }
}
