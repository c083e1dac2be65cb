import Foundation
import SQLKit
@testable import Store
import Testing
import TestSupport

/// The store's statements on PostgreSQL run as named prepared statements from their third run on,
/// and a connection on which a preparation failed is replaced rather than failing that statement
/// for good (PostgresNIO keeps a failed preparation's error for the statement's name).
@Suite(.serialized) struct PreparedStatementTests {
    @Test func aStatementThatRanBeforeIsPreparedAndAFailedPreparationCostsOnlyItsConnection() async throws {
        let postgres = try await Blocking.run { try TestPostgres.start() }
        defer { postgres.stop() }
        let backend = try await SQLBackend.open(.postgres(url: postgres.url), connections: 1)
        // Statement slots are process-wide: a text of its own keeps other tests' runs out of this one.
        let marker = "prepared_\(UUID().uuidString.prefix(8).lowercased())"
        let statement: SQLQueryString = "SELECT \(bind: 41) + 1 AS \(unsafeRaw: marker)"
        @Sendable func answer(_ db: any SQLDatabase) async throws -> Int? {
            try await db.raw(statement).first()?.decode(column: marker, as: Int.self)
        }

        for _ in 0..<2 { #expect(try await backend.read(answer) == 42) }
        let prepared = try await backend.transaction { db in
            let value = try await answer(db)
            let names = try await db.raw("SELECT name FROM pg_prepared_statements WHERE statement LIKE \(bind: "%\(marker)%")")
                .all().map { try $0.decode(column: "name", as: String.self) }
            return (value, names)
        }
        #expect(prepared.0 == 42)
        #expect(prepared.1.count == 1 && prepared.1.allSatisfy { $0.hasPrefix("gw_") }, "\(prepared.1)")

        // The next connection first prepares the statement inside a transaction that has failed.
        _ = try? await backend.transaction { db in try await db.raw("SELECT pg_terminate_backend(pg_backend_pid())").run() }
        await #expect(throws: (any Error).self) {
            try await backend.transaction { db in
                _ = try? await db.raw("SELECT 1 / 0 AS never").run()
                return try await answer(db)
            }
        }
        var answered: Int?
        for _ in 0..<20 where answered == nil {
            answered = try? await backend.read(answer)
            if answered == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(answered == 42)
        await backend.close()
    }
}

