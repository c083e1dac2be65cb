import Foundation
import GatewayCore
import SQLKit

/// A chain's head as the gateway sealed it: its number and hash at a time, signed with the
/// gateway's key (`signature`: a JWS whose payload says the same). A chain recomputed after an
/// edit no longer has the sealed hash at the sealed number, and a chain cut back has no event with
/// that number; neither can be sealed again without the gateway's key.
public struct AuditSeal: Sendable, Equatable {
    public let chain: Int
    public let sequence: Int64
    public let hash: String
    public let sealedAt: Date
    public let signature: String

    public init(chain: Int, sequence: Int64, hash: String, sealedAt: Date, signature: String) {
        self.chain = chain
        self.sequence = sequence
        self.hash = hash
        self.sealedAt = sealedAt
        self.signature = signature
    }

    /// What the signature signs: the seal's own fields, in one canonical JSON line.
    public static func payload(chain: Int, sequence: Int64, hash: String, sealedAt: Date) -> [UInt8] {
        Array(#"{"chain":\#(chain),"hash":"\#(hash)","sealedAt":\#(StoreTime.milliseconds(sealedAt)),"sequence":\#(sequence)}"#.utf8)
    }

    public var payload: [UInt8] { Self.payload(chain: chain, sequence: sequence, hash: hash, sealedAt: sealedAt) }
}

extension GatewayStore {
    /// The most audit events one seal covers (and so one time-stamp batch at least): a head that
    /// moved further since its last seal is sealed in steps.
    public static let recordsPerSeal: Int64 = 10_000

    /// Where each chain that moved since its last seal is sealed next: its head, or the event
    /// `recordsPerSeal` after the last seal when the head is further.
    public func unsealedHeads() async throws(GatewayError) -> [(chain: Int, sequence: Int64, hash: String)] {
        try await read("reading the unsealed audit heads") { db in
            var heads: [(chain: Int, sequence: Int64, hash: String)] = []
            for row in try await db.raw("""
                SELECT h.id, h.sequence, h.hash, COALESCE((SELECT MAX(s.sequence) FROM audit_seals s WHERE s.chain = h.id), 0) AS sealed
                FROM audit_head h ORDER BY h.id
                """).all() {
                let chain = try row.decode(column: "id", as: Int.self)
                let head = try row.decode(column: "sequence", as: Int64.self)
                let sealed = try row.decode(column: "sealed", as: Int64.self)
                guard head > sealed else { continue }
                guard head - sealed > Self.recordsPerSeal else {
                    heads.append((chain, head, try row.decode(column: "hash", as: String.self)))
                    continue
                }
                let step = sealed + Self.recordsPerSeal
                guard let event = try await db.raw("SELECT hash FROM audit_events WHERE chain = \(bind: chain) AND sequence = \(bind: step)").first() else { continue }
                heads.append((chain, step, try event.decode(column: "hash", as: String.self)))
            }
            return heads
        }
    }

    /// Keeps a seal; one another instance made of the same head first stays.
    public func store(_ seal: AuditSeal) async throws(GatewayError) {
        try await run("sealing audit chain \(seal.chain) at \(seal.sequence)") { db in
            try await db.raw("""
                INSERT INTO audit_seals (chain, sequence, hash, sealed_at, signature)
                VALUES (\(bind: seal.chain), \(bind: seal.sequence), \(bind: seal.hash), \(bind: StoreTime.milliseconds(seal.sealedAt)), \(bind: seal.signature))
                ON CONFLICT (chain, sequence) DO NOTHING
                """).run()
        }
    }

    public func seals() async throws(GatewayError) -> [AuditSeal] {
        try await read("reading the audit seals") { db in
            try await db.raw("SELECT * FROM audit_seals ORDER BY chain, sequence").all().map(AuditSeal.decode)
        }
    }
}

extension AuditChain {
    /// Each seal against its chain: the sealed event must be there with the sealed hash.
    static func checkSeals(on db: any SQLDatabase) async throws -> AuditVerification.Problem? {
        for row in try await db.raw("SELECT chain, sequence, hash, sealed_at FROM audit_seals ORDER BY chain, sequence").all() {
            let chain = try row.decode(column: "chain", as: Int.self)
            let sequence = try row.decode(column: "sequence", as: Int64.self)
            let sealedAt = VietnamTime.timestamp(StoreTime.date(try row.decode(column: "sealed_at", as: Int64.self)))
            guard let event = try await db.raw("SELECT hash FROM audit_events WHERE chain = \(bind: chain) AND sequence = \(bind: sequence)").first() else {
                return .contentChanged("Audit event \(sequence)\(chain > 1 ? " of chain \(chain)" : ""), sealed at \(sealedAt), is missing: the chain was cut back.")
            }
            guard try event.decode(column: "hash", as: String.self) == (try row.decode(column: "hash", as: String.self)) else {
                return .contentChanged("Audit event \(sequence)\(chain > 1 ? " of chain \(chain)" : "") no longer has the hash sealed at \(sealedAt): the chain was recomputed.")
            }
        }
        return nil
    }
}
