import Foundation
import GatewayCore
import SQLKit

/// The gateway's one store: messages with their exact bytes, the outbox and its delivery
/// attempts, cases with their timelines, and the audit chain — over SQLite (embedded default)
/// or PostgreSQL, with the same code. Everything one inbound message causes is written in one
/// transaction, before the sender gets its receipt.
public final class GatewayStore: Sendable {
    public let location: DatabaseLocation
    let backend: SQLBackend
    /// The audit chains this store appends to, each transaction to one of them (`AuditChain`).
    let chains: AuditChains

    private init(location: DatabaseLocation, backend: SQLBackend, chains: AuditChains) {
        self.location = location
        self.backend = backend
        self.chains = chains
    }

    /// PostgreSQL connections of one instance at most. Under `bench load` on 2 cores, 8 served
    /// as many messages as 16 with half the p99 (48–56 ms instead of 82–92): beyond a few
    /// transactions per database core, more only wait on each other's locks.
    public static let defaultConnections = 8

    /// Opens the database and brings its schema up to date. On PostgreSQL the audit trail is
    /// `auditChains` chains (default 8) that transactions append to side by side, over at most
    /// `connections` connections; on SQLite, whose writes take turns anyway, one chain.
    public static func open(_ location: DatabaseLocation, auditChains: Int? = nil,
                            connections: Int = defaultConnections) async throws(GatewayError) -> GatewayStore {
        let backend = try await SQLBackend.open(location, connections: connections)
        do {
            try await Migrations.run(on: backend)
        } catch {
            await backend.close()
            throw StoreFailure.wrap(error, "migrating \(location)")
        }
        let count = max(1, auditChains ?? (backend.dialect == .postgres ? 8 : 1))
        let chains = AuditChains(count: count, dialect: backend.dialect)
        do {
            try await backend.transaction(limit: SQLBackend.callLimit) { db in try await AuditChain.createHeads(chains, on: db) }
        } catch {
            await backend.close()
            throw StoreFailure.wrap(error, "preparing the audit chains of \(location)")
        }
        return GatewayStore(location: location, backend: backend, chains: chains)
    }

    public func close() async {
        await backend.close()
    }

    /// The schema versions applied, oldest first.
    public func schemaVersions() async throws(GatewayError) -> [Int] {
        try await run("reading the schema version") { db in
            try await db.raw("SELECT version FROM schema_migrations ORDER BY version").all().map { try $0.decode(column: "version", as: Int.self) }
        }
    }

    /// Runs a lookup that needs no transaction, with its failures as `GatewayError`s.
    func read<T: Sendable>(_ what: String, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws(GatewayError) -> T {
        do {
            return try await backend.read(body)
        } catch {
            throw StoreFailure.wrap(error, what)
        }
    }

    /// Runs one store operation that writes through `TransactionWrites`, with its failures as
    /// `GatewayError`s: in a transaction, or, when `alone` and on PostgreSQL, as the one
    /// statement its writes' `finish` sends.
    func write<T: Sendable>(_ what: String, alone: Bool, limit: Duration = SQLBackend.callLimit,
                            _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws(GatewayError) -> T {
        do {
            return try await backend.write(alone: alone, limit: limit, body)
        } catch {
            throw StoreFailure.wrap(error, what)
        }
    }

    /// Runs one store operation in a transaction, with its failures as `GatewayError`s.
    func run<T: Sendable>(_ what: String, limit: Duration = SQLBackend.callLimit,
                          _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws(GatewayError) -> T {
        try await write(what, alone: false, limit: limit, body)
    }
}

enum StoreFailure {
    static func wrap(_ error: any Error, _ what: String) -> GatewayError {
        if let error = error as? GatewayError { return error }
        if SQLBackend.isUnavailable(error) {
            return GatewayError(.storeUnavailable, "The gateway's database does not answer at the moment; nothing was stored. Send the message again unchanged in a few seconds.")
        }
        return GatewayError(.internalError, "The store failed while \(what): \(String(reflecting: error))")
    }
}

extension GatewayStore {
    /// Whether the database answers now: what `/ready` reports.
    public func isReachable() async -> Bool {
        do {
            try await backend.read { db in try await db.raw("SELECT 1").run() }
            return true
        } catch {
            return false
        }
    }
}
