import EmbeddedSQLite
import Foundation
import GatewayCore
import Logging
import NIOCore
import NIOPosix
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
        case postgres(EventLoopGroupConnectionPool<PostgresConnectionSource>)
    }

    private let nextReader = Atomic<Int>(0)

    private static let logger = Logger(label: "gateway.store")

    /// The writer maps the file into memory: the pages it reads are read without a system call.
    /// The readers do not: a reader throws its map away whenever the writer committed since its
    /// last read, and mapping it again cost more than reading the few pages a lookup needs.
    /// The page cache stays at SQLite's small default: every commit (writer) and every change
    /// seen (readers) walks the whole cache, so a large one costs more at each transaction than
    /// it saves.
    private static let writerMap = "PRAGMA mmap_size = 268435456"

    static func open(_ location: DatabaseLocation) async throws(GatewayError) -> SQLBackend {
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
                let configuration = try SQLPostgresConfiguration(url: url)
                let pool = EventLoopGroupConnectionPool(
                    source: PostgresConnectionSource(sqlConfiguration: configuration),
                    maxConnectionsPerEventLoop: 4, on: MultiThreadedEventLoopGroup.singleton)
                let backend = SQLBackend(dialect: .postgres, connection: .postgres(pool))
                try await backend.transaction { db in try await db.raw("SELECT 1").run() }
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
    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        switch connection {
        case .sqlite(_, let writer, _):
            return try await writer.transaction(body)
        case .postgres(let pool):
            return try await pool.database(logger: Self.logger).sql().withSession { session in
                try await Self.run(body, on: session)
            }
        }
    }

    /// Runs `body`, which only reads, outside any transaction: on a reader connection (SQLite)
    /// or any pooled connection (PostgreSQL).
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        switch connection {
        case .sqlite(_, _, let readers):
            let index = nextReader.add(1, ordering: .relaxed).oldValue
            return try await body(SQLiteFileDatabase(file: readers[index % readers.count], logger: Self.logger))
        case .postgres(let pool):
            return try await body(pool.database(logger: Self.logger).sql())
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
        case .postgres(let pool): try? await pool.shutdownAsync()
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
        case .postgres(let pool): pool.shutdownGracefully { _ in }
        }
    }

    /// The column type of raw bytes and of an auto-numbered key in this dialect.
    var bytesType: String { dialect == .sqlite ? "BLOB" : "BYTEA" }
    var serialKey: String { dialect == .sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY" }
}
