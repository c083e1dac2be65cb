import Foundation
import GatewayCore
import SQLKit

/// Seals an RFC 3161 authority time-stamped together: the token speaks of the SHA-256 of their
/// signatures, one per line in the order of `seals` (chain, then number), so the batch proves
/// each seal — and the chain up to it — existed at the token's time.
public struct AuditTimeStamp: Sendable, Equatable {
    public struct SealNumber: Sendable, Hashable, CustomStringConvertible {
        public let chain: Int
        public let sequence: Int64

        public init(chain: Int, sequence: Int64) {
            self.chain = chain
            self.sequence = sequence
        }

        public var description: String { "\(chain):\(sequence)" }
    }

    public let imprintHex: String
    public let seals: [SealNumber]
    /// The audit events the batch's seals cover (since each chain's seal before them).
    public let records: Int64
    /// The DER token as the authority sent it.
    public let token: [UInt8]
    public let authority: String
    public let stampedAt: Date

    public init(imprintHex: String, seals: [SealNumber], records: Int64, token: [UInt8], authority: String, stampedAt: Date) {
        self.imprintHex = imprintHex
        self.seals = seals
        self.records = records
        self.token = token
        self.authority = authority
        self.stampedAt = stampedAt
    }

    /// What the token is asked about: the seals' signatures, one per line, in the batch's order.
    public static func imprint(of seals: [AuditSeal]) -> [UInt8] {
        Digest.sha256(imprinted(seals))
    }

    /// The bytes whose SHA-256 the token speaks of: what `openssl ts -verify -data` is given.
    public static func imprinted(_ seals: [AuditSeal]) -> [UInt8] {
        Array(seals.sorted { ($0.chain, $0.sequence) < ($1.chain, $1.sequence) }.map { $0.signature + "\n" }.joined().utf8)
    }
}

extension GatewayStore {
    /// Seals no authority has time-stamped yet, oldest first, each with the number of audit events
    /// it covers; at most `limit`.
    public func unstampedSeals(limit: Int = 1_000) async throws(GatewayError) -> [(seal: AuditSeal, records: Int64)] {
        try await read("reading the seals not yet time-stamped") { db in
            try await db.raw("""
                SELECT s.chain, s.sequence, s.hash, s.sealed_at, s.signature,
                       s.sequence - COALESCE((SELECT MAX(p.sequence) FROM audit_seals p WHERE p.chain = s.chain AND p.sequence < s.sequence), 0) AS records
                FROM audit_seals s WHERE s.timestamp_imprint IS NULL
                ORDER BY s.sealed_at, s.chain, s.sequence LIMIT \(unsafeRaw: String(limit))
                """).all().map { row in
                (try AuditSeal.decode(row), try row.decode(column: "records", as: Int64.self))
            }
        }
    }

    /// When the oldest seal still waiting for a time-stamp was made; nil when none waits.
    public func oldestUnstampedSeal() async throws(GatewayError) -> Date? {
        try await read("reading the oldest seal not yet time-stamped") { db in
            try await db.raw("SELECT MIN(sealed_at) AS oldest FROM audit_seals WHERE timestamp_imprint IS NULL").first()?
                .decode(column: "oldest", as: Int64?.self).map(StoreTime.date)
        }
    }

    /// Keeps a batch's token and marks its seals as stamped; a seal another instance stamped first
    /// keeps that stamp (the batch still lists it, and still proves it).
    public func store(_ stamp: AuditTimeStamp) async throws(GatewayError) {
        try await run("keeping the time-stamp of \(stamp.seals.count) audit seals") { db in
            try await db.raw("""
                INSERT INTO audit_timestamps (imprint, seals, records, token, authority, stamped_at)
                VALUES (\(bind: stamp.imprintHex), \(bind: stamp.seals.map(\.description).joined(separator: " ")), \(bind: stamp.records),
                        \(bind: Data(stamp.token).base64EncodedString()), \(bind: stamp.authority), \(bind: StoreTime.milliseconds(stamp.stampedAt)))
                ON CONFLICT (imprint) DO NOTHING
                """).run()
            for seal in stamp.seals {
                try await db.raw("""
                    UPDATE audit_seals SET timestamp_imprint = \(bind: stamp.imprintHex)
                    WHERE chain = \(bind: seal.chain) AND sequence = \(bind: seal.sequence) AND timestamp_imprint IS NULL
                    """).run()
            }
        }
    }

    /// Every batch, oldest first, and which batch each seal was marked with.
    public func timeStamps() async throws(GatewayError) -> (batches: [AuditTimeStamp], marks: [AuditTimeStamp.SealNumber: String]) {
        try await read("reading the audit time-stamps") { db in
            let batches = try await db.raw("SELECT * FROM audit_timestamps ORDER BY stamped_at, imprint").all().map(AuditTimeStamp.decode)
            var marks: [AuditTimeStamp.SealNumber: String] = [:]
            for row in try await db.raw("SELECT chain, sequence, timestamp_imprint FROM audit_seals WHERE timestamp_imprint IS NOT NULL").all() {
                marks[AuditTimeStamp.SealNumber(chain: try row.decode(column: "chain", as: Int.self), sequence: try row.decode(column: "sequence", as: Int64.self))] =
                    try row.decode(column: "timestamp_imprint", as: String.self)
            }
            return (batches, marks)
        }
    }
}

extension AuditTimeStamp.SealNumber {
    init?(_ text: Substring) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let chain = Int(parts[0]), let sequence = Int64(parts[1]) else { return nil }
        self.init(chain: chain, sequence: sequence)
    }
}

extension AuditTimeStamp {
    static func decode(_ row: any SQLRow) throws -> AuditTimeStamp {
        AuditTimeStamp(imprintHex: try row.decode(column: "imprint", as: String.self),
                       seals: try row.decode(column: "seals", as: String.self).split(separator: " ").compactMap(SealNumber.init),
                       records: try row.decode(column: "records", as: Int64.self),
                       token: Array(Data(base64Encoded: try row.decode(column: "token", as: String.self)) ?? Data()),
                       authority: try row.decode(column: "authority", as: String.self),
                       stampedAt: StoreTime.date(try row.decode(column: "stamped_at", as: Int64.self)))
    }
}

extension AuditSeal {
    static func decode(_ row: any SQLRow) throws -> AuditSeal {
        AuditSeal(chain: try row.decode(column: "chain", as: Int.self), sequence: try row.decode(column: "sequence", as: Int64.self),
                  hash: try row.decode(column: "hash", as: String.self),
                  sealedAt: StoreTime.date(try row.decode(column: "sealed_at", as: Int64.self)),
                  signature: try row.decode(column: "signature", as: String.self))
    }
}
