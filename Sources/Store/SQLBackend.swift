import EmbeddedSQLite
import Foundation
import GatewayCore
import Logging
import NIOCore
@preconcurrency import PostgresKit
import SQLiteKit
import Synchronization

/// The SQL database under the store: one SQLite connection in WAL mode, whose transactions are
/// committed in groups (`GroupCommit`; statements run synchronously, see `SQLiteFile`), or a pool of PostgreSQL connections,
/// each transaction on a connection of its own.
/// Every store operation is one `transaction`.
final class SQLBackend: Sendable {
    enum Dialect: Sendable { case sqlite, postgres }

    let dialect: Dialect
    private let connection: Connection

    // The pool is thread-safe (AsyncKit locks its state) but not marked Sendable.
    private enum Connection: @unchecked Sendable {
        /// The writer, which commits transactions in groups, and readers for what needs no
        /// transaction: in WAL mode they read the last commit while the writer works.
        case sqlite(SQLiteFile, writer: GroupCommit, readers: [SQLiteFile])
        /// PostgresNIO's client: its pool replaces connections the server dropped (a restart, a
        /// failover) and reconnects with back-off; `running` runs it until the store closes.
        /// `deadlines` are the store calls' in progress.
        case postgres(PostgresClient, running: Task<Void, Never>, deadlines: Deadlines)
    }

    /// How long a store call waits for a PostgreSQL connection: while the database is away the
    /// sender gets a 503 to retry on, well before its own timeout.
    static let connectionWait: Duration = .seconds(3)
    /// What a start waits for the database: a server that is itself starting, or busy, is waited
    /// for rather than refused in a partner's time.
    static let startWait: Duration = .seconds(30)
    /// How long one store call may hold its connection at most: a healthy one takes milliseconds;
    /// walking the whole audit chain says how long it may take.
    static let callLimit: Duration = .seconds(10)

    private let nextReader = Atomic<Int>(0)

    private static let logger = Logger(label: "gateway.store")

    /// The writer maps the file into memory: the pages it reads are read without a system call.
    /// The readers do not: a reader throws its map away whenever the writer committed since its
    /// last read, and mapping it again cost more than reading the few pages a lookup needs.
    /// The page cache stays at SQLite's small default: every commit (writer) and every change
    /// seen (readers) walks the whole cache, so a large one costs more at each transaction than
    /// it saves.
    private static let writerMap = "PRAGMA mmap_size = 268435456"

    static func open(_ location: DatabaseLocation, connections: Int) async throws(GatewayError) -> SQLBackend {
        do {
            switch location {
            case .sqlite(let path):
                let directory = (path as NSString).deletingLastPathComponent
                if !directory.isEmpty {
                    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                }
                let connection = try SQLiteFile(path: path)
                // WAL lets readers go on while a transaction writes; NORMAL sync is durable across
                // a process kill (only a power loss may lose the last commits).
                // The savepoints of a commit group keep their undo pages in memory, not in a temporary file.
                for pragma in ["PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", "PRAGMA foreign_keys = ON", Self.writerMap,
                               "PRAGMA temp_store = MEMORY"] {
                    _ = try connection.execute(pragma, [])
                }
                var readers: [SQLiteFile] = []
                for _ in 0..<2 {
                    let reader = try SQLiteFile(path: path)
                    _ = try reader.execute("PRAGMA query_only = ON", [])
                    readers.append(reader)
                }
                let writer = GroupCommit(database: SQLiteFileDatabase(file: connection, logger: Self.logger))
                return SQLBackend(dialect: .sqlite, connection: .sqlite(connection, writer: writer, readers: readers))
            case .postgres(let url):
                let core = try SQLPostgresConfiguration(url: url).coreConfiguration
                guard let host = core.host else {
                    throw GatewayError(.configurationInvalid, "The database \(location) names no host.")
                }
                let tls: PostgresClient.Configuration.TLS = !core.tls.isAllowed ? .disable
                    : core.tls.isEnforced ? .require(.makeClientConfiguration()) : .prefer(.makeClientConfiguration())
                var configuration = PostgresClient.Configuration(host: host, port: core.port ?? 5432, username: core.username,
                                                                 password: core.password, database: core.database, tls: tls)
                configuration.options.maximumConnections = connections
                configuration.options.connectTimeout = .seconds(3)
                // The pool's own retries while the database is away are not each an operator's
                // business: the store calls that fail say so.
                var background = Self.logger
                background.logLevel = .error
                let client = PostgresClient(configuration: configuration, backgroundLogger: background)
                let deadlines = Deadlines()
                let running = Task { await client.run() }
                let backend = SQLBackend(dialect: .postgres, connection: .postgres(client, running: running, deadlines: deadlines))
                do {
                    try await backend.transaction(connectionWait: startWait) { db in try await db.raw("SELECT 1").run() }
                } catch {
                    await backend.close()
                    throw error
                }
                return backend
            }
        } catch let error as GatewayError {
            throw error
        } catch {
            throw GatewayError(.configurationInvalid, "The database \(location) cannot be opened: \(String(reflecting: error))")
        }
    }

    private init(dialect: Dialect, connection: Connection) {
        self.dialect = dialect
        self.connection = connection
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T: Sendable>(limit: Duration = SQLBackend.callLimit, connectionWait: Duration = SQLBackend.connectionWait,
                                  _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        switch connection {
        case .sqlite(_, let writer, _):
            return try await writer.transaction(body)
        case .postgres(let client, _, let deadlines):
            return try await Self.withConnection(of: client, deadlines: deadlines, limit: limit, wait: connectionWait) { connection in
                try await Self.run(body, on: PreparingDatabase(connection: connection, logger: Self.logger))
            }
        }
    }

    /// Runs `body` on a pooled connection, or fails as unavailable when none comes within
    /// `connectionWait`. Once it has its connection, `body` runs to its end whatever happens to
    /// the caller: a transaction cut off half-way would go back to the pool still open. A call
    /// that never ends (a connection opened as the server went down, which it never answers) is
    /// failed after `limit` and its connection closed, which the pool replaces. The caller waits
    /// neither for a connection request it gave up on nor for a call it failed.
    private static func withConnection<T: Sendable>(of client: PostgresClient, deadlines: Deadlines, limit: Duration = callLimit, wait: Duration = connectionWait,
                                                    _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let lease = LeaseState()
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let answer = FirstResult(continuation)
            let timer = deadlines.set(in: wait) {
                if lease.abandon() { answer.give(.failure(ConnectionPoolTimeoutError.connectionRequestTimeout)) }
            }
            Task {
                defer { deadlines.clear(timer) }
                do {
                    let result = try await client.withConnection { connection -> T? in
                        // A connection that comes after the caller gave up is handed back unused.
                        guard lease.take() else { return nil }
                        let watchdog = deadlines.set(in: limit) {
                            logger.error("A database call did not end within \(limit): its connection is closed")
                            answer.give(.failure(ConnectionPoolTimeoutError.connectionRequestTimeout))
                            _ = connection.close() as EventLoopFuture<Void>
                        }
                        defer { deadlines.clear(watchdog) }
                        return try await withTaskExecutorPreference(EventLoopExecutor(connection.eventLoop)) { try await body(connection) }
                    }
                    if let result { answer.give(.success(result)) }
                } catch {
                    answer.give(.failure(error))
                }
            }
        }
    }

    /// Runs `body` in a transaction, or, when `alone` and on PostgreSQL, outside one: `body` then
    /// sends one statement that writes, which PostgreSQL commits by itself (one round trip instead of three).
    func write<T: Sendable>(alone: Bool, limit: Duration = SQLBackend.callLimit,
                            _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        guard alone, case .postgres(let client, _, let deadlines) = connection else { return try await transaction(limit: limit, body) }
        return try await Self.withConnection(of: client, deadlines: deadlines, limit: limit) { connection in
            try await body(PreparingDatabase(connection: connection, logger: Self.logger))
        }
    }

    /// Runs `body`, which only reads, outside any transaction: on a reader connection (SQLite)
    /// or any pooled connection (PostgreSQL).
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        switch connection {
        case .sqlite(_, _, let readers):
            let index = nextReader.add(1, ordering: .relaxed).oldValue
            return try await body(SQLiteFileDatabase(file: readers[index % readers.count], logger: Self.logger))
        case .postgres(let client, _, let deadlines):
            return try await Self.withConnection(of: client, deadlines: deadlines) { connection in try await body(PreparingDatabase(connection: connection, logger: Self.logger)) }
        }
    }

    private static func run<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T, on db: any SQLDatabase) async throws -> T {
        try await db.raw("BEGIN").run()
        do {
            let result = try await body(db)
            try await db.raw("COMMIT").run()
            return result
        } catch {
            try? await db.raw("ROLLBACK").run()
            throw error
        }
    }

    private let closed = Mutex(false)

    func close() async {
        guard closed.withLock({ closed in defer { closed = true }; return !closed }) else { return }
        switch connection {
        case .sqlite(let connection, _, let readers):
            for reader in readers { reader.close() }
            connection.close()
        case .postgres(_, let running, _):
            running.cancel()
            await running.value
        }
    }

    /// A store dropped without `close()` (a task that failed half-way) still releases its
    /// database: the close runs in the background and keeps the connection alive until done.
    deinit {
        guard !closed.withLock({ $0 }) else { return }
        switch connection {
        case .sqlite(let connection, _, let readers):
            for reader in readers { reader.close() }
            connection.close()
        case .postgres(_, let running, _): running.cancel()
        }
    }

    /// Whether `error` says the database could not be reached or went away (restarting, failing
    /// over), as opposed to a statement that failed: the pool reconnects by itself when it is back.
    static func isUnavailable(_ error: any Error) -> Bool {
        switch error {
        case let error as PSQLError:
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
                return true
            case .server:
                // Class 08 is a connection exception; 57P01–57P03 an administrator's shutdown or a
                // server starting up.
                let state = error.serverInfo?[.sqlState] ?? ""
                return state.hasPrefix("08") || state.hasPrefix("57P")
            default:
                return false
            }
        case is ConnectionPoolTimeoutError, is ConnectionPoolError, is NIOConnectionError, is ChannelError:
            return true
        case let error as IOError:
            return [ECONNREFUSED, ECONNRESET, EPIPE, ETIMEDOUT, EHOSTUNREACH, ENETUNREACH].contains(error.errnoCode)
        default:
            return false
        }
    }

    /// The column type of raw bytes and of an auto-numbered key in this dialect.
    var bytesType: String { dialect == .sqlite ? "BLOB" : "BYTEA" }
    var serialKey: String { dialect == .sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY" }
}

/// A store call's wait for its connection: taken by the call, or abandoned by its caller, once.
private final class LeaseState: Sendable {
    private static let waiting = 0, taken = 1, abandoned = 2
    private let state = Atomic<Int>(LeaseState.waiting)

    func take() -> Bool {
        state.compareExchange(expected: Self.waiting, desired: Self.taken, ordering: .sequentiallyConsistent).exchanged
    }

    func abandon() -> Bool {
        state.compareExchange(expected: Self.waiting, desired: Self.abandoned, ordering: .sequentiallyConsistent).exchanged
    }
}

/// The one answer of a store call on PostgreSQL, whichever comes first: its result, its failure or its timeout.
private final class FirstResult<T: Sendable>: Sendable {
    private let waiting: Mutex<CheckedContinuation<T, any Error>?>

    init(_ continuation: CheckedContinuation<T, any Error>) { waiting = Mutex(continuation) }

    func give(_ result: Result<T, any Error>) { waiting.withLock { $0.take() }?.resume(with: result) }
}
