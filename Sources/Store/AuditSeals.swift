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
    /// The heads that moved since their last seal: what the next round of sealing signs.
    public func unsealedHeads() async throws(GatewayError) -> [(chain: Int, sequence: Int64, hash: String)] {
        try await read("reading the unsealed audit heads") { db in
            try await db.raw("""
                SELECT h.id, h.sequence, h.hash FROM audit_head h
                WHERE h.sequence > COALESCE((SELECT MAX(s.sequence) FROM audit_seals s WHERE s.chain = h.id), 0)
                ORDER BY h.id
                """).all().map { row in
                (try row.decode(column: "id", as: Int.self), try row.decode(column: "sequence", as: Int64.self), try row.decode(column: "hash", as: String.self))
            }
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
            try await db.raw("SELECT * FROM audit_seals ORDER BY chain, sequence").all().map { row in
                AuditSeal(chain: try row.decode(column: "chain", as: Int.self), sequence: try row.decode(column: "sequence", as: Int64.self),
                          hash: try row.decode(column: "hash", as: String.self),
                          sealedAt: StoreTime.date(try row.decode(column: "sealed_at", as: Int64.self)),
                          signature: try row.decode(column: "signature", as: String.self))
            }
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
