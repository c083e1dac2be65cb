import Foundation
import GatewayCore
import Logging
import NIOCore
import NIOPosix
import SQLiteKit
import CSQLiteConfiguration
import VaporCSQLite

/// One connection to the SQLite file, used synchronously by whoever holds it: a statement
/// runs on the calling thread, with no hop to a thread pool and back. A store operation is a
/// handful of statements of a few microseconds each; the hops cost more than the work and,
/// with one writer, they bounded the whole gateway's throughput. Prepared statements are kept
/// per SQL text and reused. The embedded database belongs to one gateway process (several
/// share PostgreSQL): no other writer makes a statement wait for the file's lock.
final class SQLiteFile: @unchecked Sendable {
    /// SQLITE_TRANSIENT, a C cast macro: SQLite copies the bound bytes at once.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    private let handle: OpaquePointer
    private let lock = NSLock()
    private var statements: [String: OpaquePointer] = [:]
    private var closed = false
    let path: String

    init(path: String) throws {
        var opened: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX
        let code = sqlite_nio_sqlite3_open_v2(path, &opened, flags, nil)
        guard code == SQLITE_OK, let opened else {
            let message = opened.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? String(cString: sqlite_nio_sqlite3_errstr(code))
            if let opened { sqlite_nio_sqlite3_close_v2(opened) }
            throw SQLiteFileError(message: "cannot open \(path): \(message)")
        }
        handle = opened
        self.path = path
        sqlite_nio_sqlite3_busy_timeout(handle, 5000)
        sqlite_nio_sqlite3_extended_result_codes(handle, 1)
        guard gateway_sqlite_plan_without_bound_values(handle) == SQLITE_OK else {
            sqlite_nio_sqlite3_close_v2(handle)
            throw SQLiteFileError(message: "cannot configure the connection to \(path)")
        }
    }

    /// Runs one statement with its bound values; the rows it returns.
    func execute(_ sql: String, _ binds: [SQLiteData]) throws -> [SQLiteFileRow] {
        try lock.withLock {
            guard !closed else { throw SQLiteFileError(message: "the connection to \(path) is closed") }
            let statement = try prepared(sql)
            defer {
                sqlite_nio_sqlite3_reset(statement)
                sqlite_nio_sqlite3_clear_bindings(statement)
            }
            for (index, value) in binds.enumerated() {
                try bind(value, at: Int32(index + 1), in: statement)
            }
            var rows: [SQLiteFileRow] = []
            var columns: [String]?
            while true {
                let code = sqlite_nio_sqlite3_step(statement)
                if code == SQLITE_DONE { return rows }
                guard code == SQLITE_ROW else { throw error(code, sql) }
                let names = columns ?? (0..<sqlite_nio_sqlite3_column_count(statement)).map { String(cString: sqlite_nio_sqlite3_column_name(statement, $0)) }
                columns = names
                rows.append(SQLiteFileRow(columns: names, values: (0..<Int32(names.count)).map { value(at: $0, in: statement) }))
            }
        }
    }

    func close() {
        lock.withLock {
            guard !closed else { return }
            closed = true
            for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
            statements.removeAll()
            sqlite_nio_sqlite3_close_v2(handle)
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
            for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
            statements.removeAll()
        }
        var statement: OpaquePointer?
        let code = sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else { throw error(code, sql) }
        statements[sql] = statement
        return statement
    }

    private func bind(_ value: SQLiteData, at index: Int32, in statement: OpaquePointer) throws {
        let code: Int32
        switch value {
        case .integer(let integer): code = sqlite_nio_sqlite3_bind_int64(statement, index, Int64(integer))
        case .float(let double): code = sqlite_nio_sqlite3_bind_double(statement, index, double)
        case .text(let text): code = sqlite_nio_sqlite3_bind_text(statement, index, text, -1, Self.transient)
        case .blob(let buffer):
            code = buffer.withUnsafeReadableBytes { bytes in
                sqlite_nio_sqlite3_bind_blob(statement, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
            }
        case .null: code = sqlite_nio_sqlite3_bind_null(statement, index)
        }
        guard code == SQLITE_OK else { throw error(code, "binding value \(index)") }
    }

    private func value(at column: Int32, in statement: OpaquePointer) -> SQLiteData {
        switch sqlite_nio_sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: return .integer(Int(sqlite_nio_sqlite3_column_int64(statement, column)))
        case SQLITE_FLOAT: return .float(sqlite_nio_sqlite3_column_double(statement, column))
        case SQLITE_TEXT: return .text(String(cString: sqlite_nio_sqlite3_column_text(statement, column)))
        case SQLITE_BLOB:
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            guard count > 0, let bytes = sqlite_nio_sqlite3_column_blob(statement, column) else { return .blob(ByteBuffer()) }
            return .blob(ByteBuffer(bytes: UnsafeRawBufferPointer(start: bytes, count: count)))
        default: return .null
        }
    }

    private func error(_ code: Int32, _ sql: String) -> SQLiteFileError {
        SQLiteFileError(message: "\(String(cString: sqlite_nio_sqlite3_errmsg(handle))) (SQLite \(code)) in: \(sql.prefix(200))")
    }
}

struct SQLiteFileError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// One row a statement returned.
struct SQLiteFileRow: SQLRow {
    let columns: [String]
    let values: [SQLiteData]

    var allColumns: [String] { columns }

    func contains(column: String) -> Bool { columns.contains(column) }

    func decodeNil(column: String) throws -> Bool {
        guard let index = columns.firstIndex(of: column) else { return true }
        return values[index] == .null
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let index = columns.firstIndex(of: column) else {
            throw DecodingError.keyNotFound(SQLiteFileColumn(column), .init(codingPath: [], debugDescription: "No column \(column)."))
        }
        return try SQLiteDataDecoder().decode(D.self, from: values[index])
    }
}

private struct SQLiteFileColumn: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// SQLKit over a `SQLiteFile`: queries serialised in SQLite's dialect and run at once on the
/// calling thread.
struct SQLiteFileDatabase: SQLDatabase {
    let file: SQLiteFile
    let logger: Logger
    var eventLoop: any EventLoop { MultiThreadedEventLoopGroup.singleton.any() }
    var version: (any SQLDatabaseReportedVersion)? { nil }
    var dialect: any SQLDialect { SQLiteDialect() }
    var queryLogLevel: Logger.Level? { nil }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        do {
            try run(query, onRow)
            return eventLoop.makeSucceededVoidFuture()
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        try run(query, onRow)
    }

    private func run(_ query: any SQLExpression, _ onRow: (any SQLRow) -> ()) throws {
        var serializer = SQLSerializer(database: self)
        query.serialize(to: &serializer)
        let encoder = SQLiteDataEncoder()
        let binds = try serializer.binds.map { try encoder.encode($0) }
        for row in try file.execute(serializer.sql, binds) { onRow(row) }
    }
}
