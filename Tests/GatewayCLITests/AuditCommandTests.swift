import Foundation
import SQLiteKit
import Store
import Testing
import TestSupport

/// `gateway audit verify` as an operator runs it against the store.
@Suite struct AuditCommandTests {
    func storeWithEvents() async throws -> String {
        let path = temporaryDirectory("audit") + "/gateway.sqlite"
        let store = try await GatewayStore.open(.sqlite(path: path))
        for index in 0..<2 {
            let message = StoredMessage(id: "m-\(index)", direction: .inbound, partner: "moit", messageType: "moit/LicenceDecision",
                                        idempotencyKey: "k-\(index)", body: Array("<a/>".utf8), contentType: "application/xml",
                                        status: "ACCEPTED", createdAt: Date())
            _ = try await store.accept(message)
        }
        await store.close()
        return path
    }

    @Test func anIntactChainExitsZero() async throws {
        let path = try await storeWithEvents()
        let result = Command.run(GatewayBinary.path, ["audit", "verify", "--database", "sqlite:\(path)"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput == "The audit chain is intact: 2 events.\n")
    }

    @Test func anEditedEventIsNamedAndTheCommandFails() async throws {
        let path = try await storeWithEvents()
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        try await connection.sql().raw("UPDATE audit_events SET subject = 'm-9' WHERE sequence = 2").run()
        try await connection.close()
        let result = Command.run(GatewayBinary.path, ["audit", "verify", "--database", "sqlite:\(path)"])
        #expect(result.status == 1)
        #expect(result.standardOutput.contains("Audit event 2 was edited"))
    }

    @Test func aMissingDatabaseIsSaidSo() {
        let result = Command.run(GatewayBinary.path, ["audit", "verify", "--database", "sqlite:/nonexistent/gateway.sqlite"])
        #expect(result.status == 1)
        #expect(result.standardError.contains("There is no database at /nonexistent/gateway.sqlite"))
    }
}
