import GatewayCore
@preconcurrency import PostgresKit
import SQLKit

/// The writes of one transaction that need no answer but whether they changed a row, and its
/// audit events. On SQLite, where a statement costs no round trip, each write runs when it is
/// added. On PostgreSQL they are kept and sent by `finish` as one statement, each a
/// data-modifying `WITH` part, with the audit append: an accepted message with its outbound
/// messages, case updates, timeline lines and audit events is one round trip instead of five,
/// and one that is the whole transaction (`alone`) needs no BEGIN and COMMIT either.
/// A write that had to change a row and did not fails the statement with its error — the first
/// such write's in the order they were added, as when run one by one — and nothing is kept.
final class TransactionWrites {
    /// The SQLSTATE of `gateway_require` (migration 11).
    static let checkFailed = "GW001"

    private let db: any SQLDatabase
    private let chains: AuditChains
    private let alone: Bool
    private var parts: [(name: String, statement: SQLQueryString)] = []
    private var checks: [(name: String, error: any Error)] = []

    /// `alone`: the statement `finish` sends is the whole transaction, sent outside BEGIN and COMMIT.
    init(on db: any SQLDatabase, chains: AuditChains, alone: Bool = false) {
        self.db = db
        self.chains = chains
        self.alone = alone
    }

    private var joined: Bool { chains.dialect == .postgres }

    /// `failing`: the error when the statement (which then has a `RETURNING` clause) changed no
    /// row. `name`: what later writes call its returned rows, on PostgreSQL only.
    func add(_ statement: SQLQueryString, as name: String? = nil, failing error: (any Error)? = nil) async throws {
        guard joined else {
            if let error {
                guard try await db.raw(statement).first() != nil else { throw error }
            } else {
                try await db.raw(statement).run()
            }
            return
        }
        let name = name ?? "write\(parts.count)"
        parts.append((name, statement))
        if let error { checks.append((name, error)) }
    }

    /// Sends the writes kept so far, for a write that reads what they wrote.
    func flush() async throws {
        guard joined, !parts.isEmpty else { return }
        guard !alone else {
            throw GatewayError(.internalError, "Writes meant to be sent as one statement were sent in parts; nothing of them was stored.")
        }
        try await send(appending: [])
    }

    /// The writes kept and the audit events' append: the transaction's last statement.
    func finish(auditing events: [AuditChain.Event]) async throws {
        guard joined else {
            try await AuditChain.append(events, on: db, chains: chains)
            return
        }
        try await send(appending: events)
    }

    private func send(appending audit: [AuditChain.Event]) async throws {
        defer { parts = []; checks = [] }
        var columns: [SQLQueryString] = checks.map { check in
            "gateway_require((SELECT count(*) FROM \(unsafeRaw: check.name)) > 0, \(bind: check.name))"
        }
        if let first = audit.first { columns.append(AuditChain.serverAppend(audit, to: chains.chain(for: first.subject))) }
        guard !parts.isEmpty || !columns.isEmpty else { return }
        var statement = SQLQueryString("")
        for (index, part) in parts.enumerated() {
            statement.appendInterpolation(unsafeRaw: "\(index == 0 ? "WITH " : ", ")\(part.name) AS (")
            statement.appendInterpolation(part.statement)
            statement.appendInterpolation(unsafeRaw: ")")
        }
        statement.appendInterpolation(unsafeRaw: columns.isEmpty ? " SELECT 1" : " SELECT ")
        for (index, column) in columns.enumerated() {
            statement.appendInterpolation(unsafeRaw: index == 0 ? "" : ", ")
            statement.appendInterpolation(column)
        }
        do {
            try await db.raw(statement).run()
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == Self.checkFailed {
            let failed = error.serverInfo?[.message]
            throw checks.first { $0.name == failed }?.error ?? error
        }
    }
}
