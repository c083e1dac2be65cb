import Foundation
import SQLiteKit
import Signatures
import Store
import Testing
import TestSupport

/// The seals `gateway serve` puts on the audit chains' heads (every minute and at its stop),
/// signed with its receipt key: a chain recomputed after an edit, a chain cut back, a seal signed
/// by another key — what a hash chain alone cannot show — are found by `gateway audit verify`.
@Suite struct AuditSealTests {
    /// A store `gateway serve` sealed at its graceful stop, after three applications.
    static func sealedStore() async throws -> String {
        let path = temporaryDirectory("sealed") + "/gateway.sqlite"
        let server = try ServeProcess(database: "sqlite:" + path)
        try await server.waitUntilHealthy()
        for index in 0..<3 { #expect(try await server.post(try ServeProcess.application(60 + index), as: "customs-core") == 202) }
        await server.stop(SIGTERM)
        return path
    }

    static func verify(_ path: String) async -> Command.Result {
        await Blocking.run { Command.run(GatewayBinary.path, ["audit", "verify", "--database", "sqlite:\(path)"], in: RepositoryPaths.root) }
    }

    static func sql(_ path: String, _ body: @escaping @Sendable (any SQLDatabase) async throws -> Void) async throws {
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        do { try await body(connection.sql()) } catch { try await connection.close(); throw error }
        try await connection.close()
    }

    /// The link `AuditChain` computes: the lengths before each field keep them apart.
    static func link(_ fields: [String]) -> String {
        Digest.sha256Hex(Array(fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "|").utf8))
    }

    @Test func aSealedStoreIsIntactAndNamesItsSeals() async throws {
        let result = await Self.verify(try await Self.sealedStore())
        #expect(result.status == 0 && result.standardOutput.contains("seals signed by CN=nsw-gateway-signing.example"), "\(result.standardOutput) \(result.standardError)")
    }

    @Test func aChainRecomputedAfterAnEditIsFound() async throws {
        let path = try await Self.sealedStore()
        try await Self.sql(path) { db in
            // The intruder changes an event and recomputes every link after it, and the head: the
            // chain alone is consistent again.
            let rows = try await db.raw("SELECT chain, sequence, at, kind, subject, detail FROM audit_events WHERE chain = 1 ORDER BY sequence").all()
            var previous = String(repeating: "0", count: 64)
            for (index, row) in rows.enumerated() {
                let sequence = try row.decode(column: "sequence", as: Int64.self)
                var detail = try row.decode(column: "detail", as: String.self)
                if index == 0 { detail += " (edited)" }
                let fields = [String(sequence), String(try row.decode(column: "at", as: Int64.self)), try row.decode(column: "kind", as: String.self),
                              try row.decode(column: "subject", as: String.self), detail, previous]
                let hash = Self.link(fields)
                try await db.raw("UPDATE audit_events SET detail = \(bind: detail), previous_hash = \(bind: previous), hash = \(bind: hash) WHERE chain = 1 AND sequence = \(bind: sequence)").run()
                previous = hash
            }
            try await db.raw("UPDATE audit_head SET hash = \(bind: previous) WHERE id = 1").run()
        }
        let result = await Self.verify(path)
        #expect(result.status == 1 && result.standardOutput.contains("no longer has the hash sealed at") && result.standardOutput.contains("the chain was recomputed"),
                "\(result.standardOutput) \(result.standardError)")
    }

    @Test func aChainCutBackIsFound() async throws {
        let path = try await Self.sealedStore()
        try await Self.sql(path) { db in
            let head = try #require(try await db.raw("SELECT sequence FROM audit_head WHERE id = 1").first()).decode(column: "sequence", as: Int64.self)
            let kept = try #require(try await db.raw("SELECT hash FROM audit_events WHERE chain = 1 AND sequence = \(bind: head - 2)").first()).decode(column: "hash", as: String.self)
            try await db.raw("DELETE FROM audit_events WHERE chain = 1 AND sequence > \(bind: head - 2)").run()
            try await db.raw("UPDATE audit_head SET sequence = \(bind: head - 2), hash = \(bind: kept) WHERE id = 1").run()
        }
        let result = await Self.verify(path)
        #expect(result.status == 1 && result.standardOutput.contains("is missing: the chain was cut back"), "\(result.standardOutput) \(result.standardError)")
    }

    @Test func aSealSignedWithAnotherKeyIsFound() async throws {
        let path = try await Self.sealedStore()
        let folder = RepositoryPaths.root + "/Certificates/demo/customs-core"
        let other = try MessageSigner(keyFile: folder + "/key.pem", certificateFile: folder + "/cert.pem", chainFile: folder + "/chain.pem")
        try await Self.sql(path) { db in
            let seal = try #require(try await db.raw("SELECT chain, sequence, hash, sealed_at FROM audit_seals ORDER BY chain, sequence DESC").first())
            let payload = AuditSeal.payload(chain: try seal.decode(column: "chain", as: Int.self), sequence: try seal.decode(column: "sequence", as: Int64.self),
                                            hash: try seal.decode(column: "hash", as: String.self),
                                            sealedAt: Date(timeIntervalSince1970: Double(try seal.decode(column: "sealed_at", as: Int64.self)) / 1000))
            let forged = String(decoding: try other.sign(payload), as: UTF8.self)
            try await db.raw("UPDATE audit_seals SET signature = \(bind: forged) WHERE chain = \(bind: try seal.decode(column: "chain", as: Int.self)) AND sequence = \(bind: try seal.decode(column: "sequence", as: Int64.self))").run()
        }
        let result = await Self.verify(path)
        #expect(result.status == 1 && result.standardOutput.contains("is not the gateway's"), "\(result.standardOutput) \(result.standardError)")
        print("audit seals: a recomputed chain, a chain cut back and a seal signed by another key each found by gateway audit verify")
    }
}
