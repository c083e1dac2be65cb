import Foundation
import LocalPostgres
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
                                        status: .accepted, createdAt: Date())
            _ = try await store.accept(message)
        }
        await store.close()
        return path
    }

    @Test func anIntactChainExitsZero() async throws {
        let path = try await storeWithEvents()
        let result = Command.run(GatewayBinary.path, ["audit", "verify", "--database", "sqlite:\(path)"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput == "The audit chain is intact: 2 events. No seal yet.\n")
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

    /// A store after the demo's whole chain of exchanges, copied once per tampering.
    static let demoStore: String = {
        let directory = temporaryDirectory("audit-demo")
        _ = try? BackgroundProcess.run([GatewayBinary.path, "demo", "--once", "--port", String(FreePort.next()), "--database",
                                        "sqlite:" + directory + "/demo.sqlite", "--root", RepositoryPaths.root], log: directory + "/demo.log")
        return directory + "/demo.sqlite"
    }()

    static func tampered(_ sql: String) throws -> Command.Result {
        let copy = temporaryDirectory("audit-tampered") + "/gateway.sqlite"
        try FileManager.default.copyItem(atPath: demoStore, toPath: copy)
        let edit = Command.run("sqlite3", [copy, sql])
        precondition(edit.status == 0, edit.standardError)
        return Command.run(GatewayBinary.path, ["audit", "verify", "--database", "sqlite:\(copy)"])
    }

    /// Edits an intruder with the database file could make beside the chain, each named by `audit verify`.
    @Test func editsOfMessagesAttemptsCasesAndTheirFactsAndAWipedChainAreFound() throws {
        let intact = Command.run(GatewayBinary.path, ["audit", "verify", "--database", "sqlite:\(Self.demoStore)"])
        #expect(intact.status == 0 && intact.standardOutput.contains("intact"), "\(intact.standardOutput) \(intact.standardError)")
        let cases: [(String, String)] = [
            ("UPDATE messages SET body = CAST(REPLACE(CAST(body AS TEXT), '<', ' <') AS BLOB) WHERE message_type = 'moit/LicenceDecision'",
             "were changed: their SHA-256 is not the one the audit chain recorded"),
            ("UPDATE delivery_attempts SET http_status = 500 WHERE id = (SELECT MIN(id) FROM delivery_attempts)",
             "was changed or added: its outcome and HTTP status are not the ones the audit chain recorded"),
            ("UPDATE cases SET status = 'APPROVED' WHERE status = 'REVOKED'", "was changed: APPROVED is not what the audit chain recorded for its version"),
            ("UPDATE cases SET state = REPLACE(state, '1200', '9999') WHERE state LIKE '%1200%'", "were changed: they are not the ones the audit chain recorded"),
            ("DELETE FROM audit_events; UPDATE audit_head SET sequence = 0, hash = '\(String(repeating: "0", count: 64))'",
             "is stored but the audit chain has no event of its arrival or queueing"),
        ]
        for (sql, finding) in cases {
            let result = try Self.tampered(sql)
            #expect(result.status == 1 && result.standardOutput.contains(finding), "\(sql): \(result.standardOutput) \(result.standardError)")
        }
        print("audit verify on the demo's store: intact; an edited message body, attempt, case status, case facts and a wiped chain each found and named")
    }

    @Test func aMissingDatabaseIsSaidSo() {
        let result = Command.run(GatewayBinary.path, ["audit", "verify", "--database", "sqlite:/nonexistent/gateway.sqlite"])
        #expect(result.status == 1)
        #expect(result.standardError.contains("There is no database at /nonexistent/gateway.sqlite"))
    }
}
