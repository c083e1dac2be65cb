import Logging
import PostgresKit
import PostgresNIO
import SQLKit
import Synchronization

/// The store's SQL on PostgreSQL, sent as named prepared statements once a statement has run
/// twice: PostgreSQL then neither parses nor, once it keeps a generic plan, plans it again for
/// every message. A third of the database's CPU under load went to parsing and planning the
/// same few statements, each sent anew.
///
/// PostgresNIO prepares a statement under its type's static name and text, so a statement
/// gets one of `StatementSlots.capacity` types, built from its slot number (`SlotStatement`).
struct PreparingDatabase: SQLDatabase {
    let connection: PostgresConnection
    let logger: Logger
    var eventLoop: any EventLoop { connection.eventLoop }
    var dialect: any SQLDialect { PostgresDialect() }
    var queryLogLevel: Logger.Level? { .debug }

    /// Statements as PostgresKit runs them: unnamed, parsed and planned every time.
    private var unnamed: any SQLDatabase { connection.sql(queryLogLevel: nil, logger: logger) }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        promise.completeWithTask { try await execute(sql: query, onRow) }
        return promise.futureResult
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        let (sql, binds) = serialize(query)
        logger.debug("Executing query", metadata: ["sql": .string(sql)])
        guard let (bindings, types) = Self.bindings(binds) else { return try await unnamed.execute(sql: query, onRow) }
        if let slot = StatementSlots.shared.slot(sql, types) {
            do {
                try await SlotStatement<SlotRoot>.execute(slot: slot, bindings: bindings, on: connection, logger: logger, onRow)
            } catch let error as PSQLError where !Self.isAboutTheValues(error) {
                // PostgresNIO answers every later use of a statement whose preparation failed
                // (in a transaction already aborted, cancelled) with that failure: a new connection
                // prepares it afresh.
                _ = connection.close() as EventLoopFuture<Void>
                throw error
            }
        } else {
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger) { onRow(row.sql()) }
            StatementSlots.shared.ran(sql, types)
        }
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await closure(self)
    }

    /// Whether a statement failed on what it was given (a constraint, a `gateway_require`, a
    /// serialisation conflict, a value out of range), which says nothing about the connection.
    private static func isAboutTheValues(_ error: PSQLError) -> Bool {
        guard error.code == .server, let state = error.serverInfo?[.sqlState] else { return false }
        return ["22", "23", "40", "GW", "P0"].contains(String(state.prefix(2)))
    }

    /// The values bound as PostgresKit binds them (PostgresNIO's own types as themselves, an
    /// absent optional as a NULL of its type) and their types; nil when a value would need
    /// PostgresKit's other encodings.
    private static func bindings(_ binds: [any Encodable & Sendable]) -> (PostgresBindings, [PostgresDataType])? {
        var bindings = PostgresBindings(capacity: binds.count)
        var types: [PostgresDataType] = []
        types.reserveCapacity(binds.count)
        for bind in binds {
            // The cast unwraps a present optional, so only an absent one is left to the second.
            let value: any PostgresThrowingDynamicTypeEncodable
            if let plain = bind as? any PostgresThrowingDynamicTypeEncodable {
                value = plain
            } else if let optional = bind as? any OptionalBind, optional.wrapped == nil {
                bindings.append(PostgresData(type: optional.nullType, value: nil))
                types.append(optional.nullType)
                continue
            } else {
                return nil
            }
            guard (try? bindings.append(value)) != nil else { return nil }
            types.append(value.psqlType)
        }
        return (bindings, types)
    }
}

/// An optional bound value: PostgresKit binds an absent one as a NULL of the wrapped type.
protocol OptionalBind {
    var wrapped: (any PostgresThrowingDynamicTypeEncodable)? { get }
    var nullType: PostgresDataType { get }
}

extension Optional: OptionalBind where Wrapped: PostgresEncodable {
    var wrapped: (any PostgresThrowingDynamicTypeEncodable)? { self }
    var nullType: PostgresDataType { Wrapped.psqlType }
}

/// Which statement texts have a prepared statement's name, process-wide: a slot's text never
/// changes once given, so every connection that prepares `gw_N` prepares the same statement.
/// A statement gets a slot when it has run twice unnamed without error, so a statement that fails
/// to prepare (a table not created yet) or runs once (a migration's) never takes a name. Statements built with a varying number
/// of values each take their own slot; when the slots are all given, the rest run unnamed.
final class StatementSlots: Sendable {
    static let shared = StatementSlots()
    static let bits = 8
    static let capacity = 1 << bits

    struct Key: Hashable {
        let sql: String
        let types: [PostgresDataType]
    }

    private struct State {
        var slots: [Key: Int] = [:]
        var texts: [Key] = []
        var ranUnnamed: Set<Key> = []
    }

    private let state = Mutex(State())

    /// The slot of a statement that ran before; nil while it has not.
    func slot(_ sql: String, _ types: [PostgresDataType]) -> Int? {
        guard Self.isPreparable(sql) else { return nil }
        return state.withLock { $0.slots[Key(sql: sql, types: types)] }
    }

    /// Records that a statement ran unnamed; the second time it is given a slot, while any is left.
    func ran(_ sql: String, _ types: [PostgresDataType]) {
        guard Self.isPreparable(sql) else { return }
        let key = Key(sql: sql, types: types)
        state.withLock { state in
            guard state.slots[key] == nil else { return }
            guard state.ranUnnamed.remove(key) != nil else {
                // Statements that ran once and not again (a search with its own filters) are
                // forgotten now and then, so that they never keep a later one from its slot.
                if state.ranUnnamed.count >= Self.capacity * 4 { state.ranUnnamed.removeAll() }
                state.ranUnnamed.insert(key)
                return
            }
            guard state.texts.count < Self.capacity else { return }
            state.slots[key] = state.texts.count
            state.texts.append(key)
        }
    }

    func key(of slot: Int) -> Key { state.withLock { $0.texts[slot] } }

    /// Statements PostgreSQL plans; BEGIN, COMMIT and schema changes have nothing to keep.
    private static func isPreparable(_ sql: String) -> Bool {
        let head = sql.utf8.prefix(6).map { $0 | 0x20 }
        return head.starts(with: "select".utf8) || head.starts(with: "insert".utf8) || head.starts(with: "update".utf8)
            || head.starts(with: "delete".utf8) || head.starts(with: "with ".utf8)
    }
}

/// A slot number spelled as a type, one binary digit per level: PostgresNIO names and prepares
/// statements by type, and `StatementSlots.bits` levels give each slot a type of its own.
protocol SlotNumber { static var number: Int { get } }
enum SlotRoot: SlotNumber { static var number: Int { 0 } }
enum SlotZero<Rest: SlotNumber>: SlotNumber { static var number: Int { Rest.number * 2 } }
enum SlotOne<Rest: SlotNumber>: SlotNumber { static var number: Int { Rest.number * 2 + 1 } }

struct SlotStatement<Slot: SlotNumber>: PostgresPreparedStatement {
    typealias Row = PostgresRow

    static var name: String { "gw_\(Slot.number)" }
    static var sql: String { StatementSlots.shared.key(of: Slot.number).sql }
    static var bindingDataTypes: [PostgresDataType] { StatementSlots.shared.key(of: Slot.number).types }

    let bindings: PostgresBindings

    func makeBindings() -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) -> PostgresRow { row }

    /// Runs slot `slot`'s statement: descends one binary digit per level, most significant first,
    /// until the type's number is the slot.
    static func execute(slot: Int, level: Int = 0, bindings: PostgresBindings, on connection: PostgresConnection, logger: Logger,
                        _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        guard level < StatementSlots.bits else {
            for try await row in try await connection.execute(SlotStatement(bindings: bindings), logger: logger) { onRow(row.sql()) }
            return
        }
        if slot >> (StatementSlots.bits - 1 - level) & 1 == 1 {
            try await SlotStatement<SlotOne<Slot>>.execute(slot: slot, level: level + 1, bindings: bindings, on: connection, logger: logger, onRow)
        } else {
            try await SlotStatement<SlotZero<Slot>>.execute(slot: slot, level: level + 1, bindings: bindings, on: connection, logger: logger, onRow)
        }
    }
}
