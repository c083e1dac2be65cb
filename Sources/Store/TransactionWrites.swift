import SQLKit

/// The writes of one transaction that need no answer but whether they changed a row. On SQLite,
/// where a statement costs no round trip, each runs when it is added. On PostgreSQL they are
/// kept and sent together by `flush` as one statement, each a data-modifying `WITH` part: an
/// accepted message with its outbound messages, case updates and timeline lines is one round
/// trip instead of four. A write that had to change a row and did not fails the transaction
/// with its error, the first such write's in the order they were added, as when run one by one.
final class TransactionWrites {
    private let db: any SQLDatabase
    private let joined: Bool
    private var parts: [(name: String, statement: SQLQueryString)] = []
    private var checks: [(name: String, error: any Error)] = []

    init(on db: any SQLDatabase, dialect: SQLBackend.Dialect) {
        self.db = db
        joined = dialect == .postgres
    }

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

    /// Sends the writes kept so far (PostgreSQL).
    func flush() async throws {
        guard !parts.isEmpty else { return }
        defer { parts = []; checks = [] }
        var statement = SQLQueryString("WITH ")
        for (index, part) in parts.enumerated() {
            statement.appendInterpolation(unsafeRaw: "\(index == 0 ? "" : ", ")\(part.name) AS (")
            statement.appendInterpolation(part.statement)
            statement.appendInterpolation(unsafeRaw: ")")
        }
        let counts = checks.isEmpty ? "1 AS none" : checks.map { "(SELECT count(*) FROM \($0.name)) AS \($0.name)" }.joined(separator: ", ")
        statement.appendInterpolation(unsafeRaw: " SELECT \(counts)")
        let row = try await db.raw(statement).first()
        for check in checks where try row?.decode(column: check.name, as: Int.self) ?? 0 == 0 { throw check.error }
    }
}
