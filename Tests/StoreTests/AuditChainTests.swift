import Foundation
import LocalPostgres
import Store
import Testing
import TestSupport

/// The audit chain shows any row edited or removed behind the gateway's back, on both databases.
@Suite(.serialized) struct AuditChainTests {
    /// A store with five audited events (2 messages received, 2 queued, 1 case event … ), then
    /// one change made directly in the database.
    func tampered(_ backend: StoreTests.Backend, _ sql: String) async throws -> AuditVerification {
        var result: AuditVerification?
        try await StoreTests.withStore(backend) { store, _ in
            for index in 0..<3 {
                _ = try await store.accept(StoreTests.inbound("a-\(index)"), producing: [StoreTests.outbound("ao-\(index)", object: "licence/\(index)")])
            }
            let verification = try await store.verifyAudit()
        #expect(verification.isIntact, "\(verification.summary)")
            try await Self.execute(sql, in: store.location)
            result = try await store.verifyAudit()
        }
        return try #require(result)
    }

    static func execute(_ sql: String, in location: DatabaseLocation) async throws {
        switch location {
        case .sqlite(let path):
            // From outside the process, as an intruder would, with Debian's sqlite3.
            let result = Command.run("/usr/bin/sqlite3", [path, sql])
            #expect(result.status == 0, "\(result.standardError)")
        case .postgres(let url):
            let name = String(url.split(separator: "/").last?.split(separator: "?").first ?? "")
            try await TestPostgres.psql(sql, database: name)
        }
    }

    @Test(arguments: StoreTests.Backend.allCases)
    func anEditedRowIsNamed(_ backend: StoreTests.Backend) async throws {
        let verification = try await tampered(backend, "UPDATE audit_events SET detail = 'moit nothing to see' WHERE sequence = 3")
        #expect(verification.problem == .edited(chain: 1, sequence: 3))
        #expect(verification.summary.contains("Audit event 3 was edited"))
    }

    @Test(arguments: StoreTests.Backend.allCases)
    func aRemovedRowIsNamed(_ backend: StoreTests.Backend) async throws {
        let verification = try await tampered(backend, "DELETE FROM audit_events WHERE sequence = 4")
        #expect(verification.problem == .removed(chain: 1, sequence: 4))
    }

    @Test(arguments: StoreTests.Backend.allCases)
    func rowsRemovedFromTheEndShowToo(_ backend: StoreTests.Backend) async throws {
        let verification = try await tampered(backend, "DELETE FROM audit_events WHERE sequence >= 5")
        #expect(verification.problem == .removed(chain: 1, sequence: 5))
    }

    @Test(arguments: StoreTests.Backend.allCases)
    func aRewrittenHashIsNamed(_ backend: StoreTests.Backend) async throws {
        let verification = try await tampered(backend, "UPDATE audit_events SET hash = '\(String(repeating: "a", count: 64))' WHERE sequence = 2")
        #expect(verification.problem == .edited(chain: 1, sequence: 2))
    }

    /// On PostgreSQL the links are computed by the database (`gateway_audit_append`), and checked
    /// by `verify` in Swift: the two agree on any text, byte for byte.
    @Test(arguments: StoreTests.Backend.allCases)
    func linksOfAnyTextAgreeWhereverTheyAreComputed(_ backend: StoreTests.Backend) async throws {
        try await StoreTests.withStore(backend) { store, _ in
            let signers = ["CN=Bộ Công Thương, O=MOIT, C=VN", "a|b:c|3:x", "", "line\nbreak ‘quoted’ \\ 🇻🇳"]
            for (index, signer) in signers.enumerated() {
                try await store.recordRefusal(partner: "moit", messageType: "moit/LicenceDecision", idempotencyKey: "k-\(index)",
                                              signer: signer, digest: "00", code: "SCHEMA_INVALID", at: Date())
            }
            _ = try await store.accept(StoreTests.inbound("ü-1"), producing: [StoreTests.outbound("ü-o-1", object: "licence/ü")])
            let verification = try await store.verifyAudit()
            #expect(verification.isIntact, "\(verification.summary)")
            #expect(verification.rows >= signers.count + 2)
        }
    }
}
