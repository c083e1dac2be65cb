import CSQLite
import Foundation

/// A value SQLite stores or returns.
public enum SQLiteValue: Sendable, Equatable {
    case integer(Int64)
    case float(Double)
    case text(String)
    case blob([UInt8])
    case null
}

/// One connection to the SQLite file, used synchronously by whoever holds it: a statement
/// runs on the calling thread, with no hop to a thread pool and back. A store operation is a
/// handful of statements of a few microseconds each; the hops cost more than the work and,
/// with one writer, they bounded the whole gateway's throughput. Prepared statements are kept
/// per SQL text and reused. The embedded database belongs to one gateway process (several
/// share PostgreSQL): no other writer makes a statement wait for the file's lock. The SQLite is
/// the system's; SQLiteKit lends only its value types and dialect.
public final class SQLiteFile: @unchecked Sendable {
    private static let transient = gateway_sqlite_transient()

    private let handle: OpaquePointer
    private let lock = NSLock()
    private var statements: [String: OpaquePointer] = [:]
    private var closed = false
    public let path: String

    public init(path: String) throws {
        var opened: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX
        let code = sqlite3_open_v2(path, &opened, flags, nil)
        guard code == SQLITE_OK, let opened else {
            let message = opened.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
            if let opened { sqlite3_close_v2(opened) }
            throw SQLiteFileError(message: "cannot open \(path): \(message)")
        }
        handle = opened
        self.path = path
        sqlite3_busy_timeout(handle, 5000)
        sqlite3_extended_result_codes(handle, 1)
        guard gateway_sqlite_plan_without_bound_values(handle) == SQLITE_OK else {
            sqlite3_close_v2(handle)
            throw SQLiteFileError(message: "cannot configure the connection to \(path)")
        }
    }

    /// Runs one statement with its bound values; the rows it returns.
    public func execute(_ sql: String, _ binds: [SQLiteValue]) throws -> [SQLiteFile.Row] {
        try lock.withLock {
            guard !closed else { throw SQLiteFileError(message: "the connection to \(path) is closed") }
            let statement = try prepared(sql)
            defer {
                sqlite3_reset(statement)
                sqlite3_clear_bindings(statement)
            }
            for (index, value) in binds.enumerated() {
                try bind(value, at: Int32(index + 1), in: statement)
            }
            var rows: [Row] = []
            var columns: [String]?
            while true {
                let code = sqlite3_step(statement)
                if code == SQLITE_DONE { return rows }
                guard code == SQLITE_ROW else { throw error(code, sql) }
                let names = columns ?? (0..<sqlite3_column_count(statement)).map { String(cString: sqlite3_column_name(statement, $0)) }
                columns = names
                rows.append(Row(columns: names, values: (0..<Int32(names.count)).map { value(at: $0, in: statement) }))
            }
        }
    }

    public func close() {
        lock.withLock {
            guard !closed else { return }
            closed = true
            for statement in statements.values { sqlite3_finalize(statement) }
            statements.removeAll()
            sqlite3_close_v2(handle)
        }
    }

    deinit {
        close()
    }

    /// The store's statements are a few dozen texts; a bound keeps a mistake from growing the cache.
    static let statementLimit = 256

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        if statements.count >= Self.statementLimit {
            for statement in statements.values { sqlite3_finalize(statement) }
            statements.removeAll()
        }
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else { throw error(code, sql) }
        statements[sql] = statement
        return statement
    }

    private func bind(_ value: SQLiteValue, at index: Int32, in statement: OpaquePointer) throws {
        let code: Int32
        switch value {
        case .integer(let integer): code = sqlite3_bind_int64(statement, index, integer)
        case .float(let double): code = sqlite3_bind_double(statement, index, double)
        case .text(let text): code = sqlite3_bind_text(statement, index, text, -1, Self.transient)
        case .blob(let bytes):
            code = bytes.withUnsafeBytes { bytes in
                sqlite3_bind_blob(statement, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
            }
        case .null: code = sqlite3_bind_null(statement, index)
        }
        guard code == SQLITE_OK else { throw error(code, "binding value \(index)") }
    }

    private func value(at column: Int32, in statement: OpaquePointer) -> SQLiteValue {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, column))
        case SQLITE_FLOAT: return .float(sqlite3_column_double(statement, column))
        case SQLITE_TEXT: return .text(String(cString: sqlite3_column_text(statement, column)))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, column))
            guard count > 0, let bytes = sqlite3_column_blob(statement, column) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default: return .null
        }
    }

    private func error(_ code: Int32, _ sql: String) -> SQLiteFileError {
        SQLiteFileError(message: "\(String(cString: sqlite3_errmsg(handle))) (SQLite \(code)) in: \(sql.prefix(200))")
    }
}

public struct SQLiteFileError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

extension SQLiteFile {
    /// One row a statement returned: its column names and values.
    public struct Row: Sendable {
        public let columns: [String]
        public let values: [SQLiteValue]
    }
}
