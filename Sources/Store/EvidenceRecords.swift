import Foundation
import GatewayCore
import SQLKit

/// One audit event as stored, with what its link was computed from.
public struct AuditEventRecord: Sendable, Equatable, Codable {
    public let chain: Int
    public let sequence: Int64
    /// Milliseconds since 1970, as the link was computed over them.
    public let at: Int64
    public let kind: String
    public let subject: String
    public let detail: String
    public let previousHash: String
    public let hash: String

    public init(chain: Int, sequence: Int64, at: Int64, kind: String, subject: String, detail: String, previousHash: String, hash: String) {
        self.chain = chain
        self.sequence = sequence
        self.at = at
        self.kind = kind
        self.subject = subject
        self.detail = detail
        self.previousHash = previousHash
        self.hash = hash
    }

    /// The link as the chain computes it: a verifier outside the store recomputes it from the fields.
    public var computedHash: String {
        AuditChain.link(sequence: sequence, at: at, kind: kind, subject: subject, detail: detail, previousHash: previousHash)
    }
}

/// A message delivered to a partner, with each attempt and the partner's answer to it.
public struct DeliveredMessage: Sendable, Equatable {
    public let message: StoredMessage
    public let attempts: [DeliveryAttempt]
    public let answers: [AttemptAnswer]
}

/// Everything the store holds as evidence of one message: its exact bytes, the messages it caused
/// and their delivery attempts, the audit events about them with the chain from each up to the seal
/// that covers it, those seals and the time-stamps over them.
public struct EvidenceRecords: Sendable {
    public let message: StoredMessage
    /// The message's own deliveries (outbound) or those of the messages it caused (inbound).
    public let deliveries: [DeliveredMessage]
    /// Each chain's segments, in order: from an event about the message to the seal after it.
    public let events: [AuditEventRecord]
    public let seals: [AuditSeal]
    /// The time-stamps over those seals, each with the bytes it was asked about.
    public let timeStamps: [(stamp: AuditTimeStamp, imprinted: [UInt8])]
}

extension GatewayStore {
    /// The evidence of `messageId`; nil when no such message is stored. Refused while an event
    /// about it is not sealed yet (the next seal is at most a round away).
    public func evidence(of messageId: String) async throws(GatewayError) -> EvidenceRecords? {
        guard let message = try await message(messageId) else { return nil }
        let delivered = message.direction == .outbound ? [message] : try await produced(by: messageId)
        var found: [DeliveredMessage] = []
        for item in delivered {
            found.append(DeliveredMessage(message: item, attempts: try await attempts(of: item.id), answers: try await answers(of: item.id)))
        }
        let deliveries = found
        let subjects = [messageId] + deliveries.map(\.message.id).filter { $0 != messageId }
        return try await read("reading the audit evidence of \(messageId)") { db in
            var ranges: [Int: [ClosedRange<Int64>]] = [:]
            var sealNumbers = Set<AuditTimeStamp.SealNumber>()
            for subject in subjects {
                for row in try await db.raw("SELECT chain, sequence FROM audit_events WHERE subject = \(bind: subject) ORDER BY chain, sequence").all() {
                    let chain = try row.decode(column: "chain", as: Int.self)
                    let sequence = try row.decode(column: "sequence", as: Int64.self)
                    guard let sealed = try await db.raw("SELECT MIN(sequence) AS sealed FROM audit_seals WHERE chain = \(bind: chain) AND sequence >= \(bind: sequence)")
                        .first()?.decode(column: "sealed", as: Int64?.self) else {
                        throw GatewayError(.notFound, "Audit event \(sequence) of chain \(chain), about \(subject), is not sealed yet: the gateway seals every minute and at its stop; export again after the next seal.")
                    }
                    ranges[chain, default: []].append(sequence...sealed)
                    sealNumbers.insert(AuditTimeStamp.SealNumber(chain: chain, sequence: sealed))
                }
            }
            var events: [AuditEventRecord] = []
            for (chain, segments) in ranges.sorted(by: { $0.key < $1.key }) {
                for segment in Self.merged(segments) {
                    events += try await db.raw("""
                        SELECT * FROM audit_events WHERE chain = \(bind: chain) AND sequence BETWEEN \(bind: segment.lowerBound) AND \(bind: segment.upperBound) ORDER BY sequence
                        """).all().map(AuditEventRecord.decode)
                }
            }
            var seals: [AuditSeal] = []
            var imprints = Set<String>()
            for number in sealNumbers.sorted(by: { ($0.chain, $0.sequence) < ($1.chain, $1.sequence) }) {
                guard let row = try await db.raw("SELECT * FROM audit_seals WHERE chain = \(bind: number.chain) AND sequence = \(bind: number.sequence)").first() else { continue }
                seals.append(try AuditSeal.decode(row))
                if let imprint = try row.decode(column: "timestamp_imprint", as: String?.self) { imprints.insert(imprint) }
            }
            var stamps: [(stamp: AuditTimeStamp, imprinted: [UInt8])] = []
            for imprint in imprints.sorted() {
                guard let row = try await db.raw("SELECT * FROM audit_timestamps WHERE imprint = \(bind: imprint)").first() else { continue }
                let stamp = try AuditTimeStamp.decode(row)
                var members: [AuditSeal] = []
                for number in stamp.seals {
                    if let seal = try await db.raw("SELECT * FROM audit_seals WHERE chain = \(bind: number.chain) AND sequence = \(bind: number.sequence)").first() {
                        members.append(try AuditSeal.decode(seal))
                    }
                }
                stamps.append((stamp, AuditTimeStamp.imprinted(members)))
            }
            return EvidenceRecords(message: message, deliveries: deliveries, events: events, seals: seals, timeStamps: stamps)
        }
    }

    static func merged(_ ranges: [ClosedRange<Int64>]) -> [ClosedRange<Int64>] {
        var merged: [ClosedRange<Int64>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, range.lowerBound <= last.upperBound + 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }
}

extension AuditEventRecord {
    static func decode(_ row: any SQLRow) throws -> AuditEventRecord {
        AuditEventRecord(chain: try row.decode(column: "chain", as: Int.self), sequence: try row.decode(column: "sequence", as: Int64.self),
                         at: try row.decode(column: "at", as: Int64.self), kind: try row.decode(column: "kind", as: String.self),
                         subject: try row.decode(column: "subject", as: String.self), detail: try row.decode(column: "detail", as: String.self),
                         previousHash: try row.decode(column: "previous_hash", as: String.self), hash: try row.decode(column: "hash", as: String.self))
    }
}
