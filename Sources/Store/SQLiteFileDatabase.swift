import EmbeddedSQLite
import Foundation
import GatewayCore
import Logging
import NIOCore
import NIOPosix
import SQLiteKit

/// One row a statement returned, as SQLKit reads rows.
struct SQLiteFileRow: SQLRow {
    let columns: [String]
    let values: [SQLiteData]

    init(_ row: SQLiteFile.Row) {
        columns = row.columns
        values = row.values.map {
            switch $0 {
            case .integer(let integer): .integer(Int(integer))
            case .float(let double): .float(double)
            case .text(let text): .text(text)
            case .blob(let bytes): .blob(ByteBuffer(bytes: bytes))
            case .null: .null
            }
        }
    }

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
        let binds = try serializer.binds.map(Self.value)
        for row in try file.execute(serializer.sql, binds) { onRow(SQLiteFileRow(row)) }
    }

    private static let encoder = SQLiteDataEncoder()

    /// A bound value as SQLiteKit binds it. Text and whole numbers, most of what the store binds,
    /// are told by a cast to their own type: SQLiteKit's encoder asks each value for a protocol
    /// first (a conformance look-up) and was made, with a JSON encoder of its own, per statement.
    private static func value(_ bind: any Encodable & Sendable) throws -> SQLiteValue {
        if let text = bind as? String { return .text(text) }
        if let integer = bind as? Int { return .integer(Int64(integer)) }
        switch try encoder.encode(bind) {
        case .integer(let integer): return .integer(Int64(integer))
        case .float(let double): return .float(double)
        case .text(let text): return .text(text)
        case .blob(let buffer): return .blob(Array(buffer.readableBytesView))
        case .null: return .null
        }
    }
}
