import SQLKit
@testable import Store
import Testing
import TestSupport

/// Message bodies, records and case facts are compressed with LZ4 on a PostgreSQL built with it
/// (migration 12): PostgreSQL's default, pglz, cost it a twentieth of its CPU under load.
@Suite(.serialized) struct CompressionTests {
    @Test func largeValuesAreCompressedWithLZ4() async throws {
        let postgres = try await Blocking.run { try TestPostgres.start() }
        defer { postgres.stop() }
        let store = try await GatewayStore.open(.postgres(url: postgres.url))
        await store.close()
        let backend = try await SQLBackend.open(.postgres(url: postgres.url), connections: 1)
        let columns = try await backend.read { db in
            try await db.raw("""
                SELECT attrelid::regclass::text || '.' || attname AS name, attcompression::text AS method FROM pg_attribute
                WHERE (attrelid = 'messages'::regclass AND attname IN ('body', 'record', 'receipt'))
                   OR (attrelid = 'cases'::regclass AND attname = 'state')
                   OR (attrelid = 'delivery_attempts'::regclass AND attname = 'response')
                ORDER BY 1
                """).all().map { "\(try $0.decode(column: "name", as: String.self)) \(try $0.decode(column: "method", as: String.self))" }
        }
        await backend.close()
        #expect(columns == ["cases.state l", "delivery_attempts.response l", "messages.body l", "messages.receipt l", "messages.record l"])
    }
}
