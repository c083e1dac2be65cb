import Delivery
import Foundation
import GatewayCore
import Logging
import Signatures
import Store

/// The RFC 3161 authority the audit seals are time-stamped by, and how long the gateway goes on
/// taking messages while it does not answer.
public struct TimeStampAuthority: Sendable {
    public let url: String
    /// The authority's certificate or its CA: a token must chain to one of them.
    public let trust: [Certificate]
    public let grace: TimeInterval
    /// X-Road's default: four hours without a time-stamp, then no new message.
    public static let defaultGrace: TimeInterval = 4 * 3600

    public init(url: String, certificateFile: String, grace: TimeInterval = defaultGrace) throws(GatewayError) {
        guard let data = FileManager.default.contents(atPath: certificateFile) else {
            throw GatewayError(.configurationInvalid, "The time-stamping authority's certificate \(certificateFile) cannot be read (--tsa-certificate).", path: certificateFile)
        }
        let trust = try Certificate.certificates(pem: Array(data))
        guard !trust.isEmpty else {
            throw GatewayError(.configurationInvalid, "\(certificateFile) holds no PEM certificate: give the time-stamping authority's certificate or its CA.", path: certificateFile)
        }
        self.url = url
        self.trust = trust
        self.grace = grace
    }
}

/// Asks the authority to time-stamp the seals that wait, a batch at a time (at most
/// `recordsPerBatch` audit events, one token each), and closes the gateway to new messages when
/// the oldest waiting seal is older than the grace period; opens it again once they are stamped.
struct AuditTimeStamping: Sendable {
    let store: GatewayStore
    let authority: TimeStampAuthority
    let clock: any GatewayClock
    let evidence: EvidenceHold
    let threads: DeliveryThreads
    let poster = HTTPPoster()
    let logger: Logger
    static let recordsPerBatch: Int64 = 10_000
    /// A round stamps at most this many batches: a long outage's backlog drains over a few rounds.
    static let batchesPerRound = 50

    /// Stamps what waits; how many batches it stamped. Afterwards the hold says whether new
    /// messages are taken.
    @discardableResult
    func stampWaitingSeals() async throws(GatewayError) -> Int {
        var stamped = 0
        var failure: String?
        rounds: while stamped < Self.batchesPerRound {
            let waiting = try await store.unstampedSeals()
            if waiting.isEmpty { break }
            for batch in Self.batches(of: waiting) {
                do throws(GatewayError) {
                    try await stamp(batch)
                    stamped += 1
                } catch {
                    failure = error.message
                    break rounds
                }
            }
        }
        try await judge(failure: failure)
        return stamped
    }

    /// Seals in order, as many a batch as stay within `recordsPerBatch` events (one at least).
    static func batches(of waiting: [(seal: AuditSeal, records: Int64)]) -> [[(seal: AuditSeal, records: Int64)]] {
        var batches: [[(seal: AuditSeal, records: Int64)]] = []
        var current: [(seal: AuditSeal, records: Int64)] = []
        var records: Int64 = 0
        for item in waiting {
            if !current.isEmpty, records + item.records > recordsPerBatch {
                batches.append(current)
                current = []
                records = 0
            }
            current.append(item)
            records += item.records
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }

    private func stamp(_ batch: [(seal: AuditSeal, records: Int64)]) async throws(GatewayError) {
        let seals = batch.map(\.seal)
        let imprint = AuditTimeStamp.imprint(of: seals)
        let request = try TimeStamps.request(imprint: imprint)
        let post = HTTPPoster.Request(url: authority.url, contentType: "application/timestamp-query", body: request.der,
                                      connectTimeout: 5, totalTimeout: 15)
        let poster = self.poster
        let response = await threads.run { poster.post(post) }
        guard response.status == 200 else {
            throw GatewayError(.timeStampUnavailable, "The time-stamping authority \(authority.url) answered \(response.status.map { "HTTP \($0)" } ?? (response.failure ?? "nothing")).")
        }
        let token = try TimeStamps.token(fromResponse: response.body, imprint: imprint, nonce: request.nonce, trust: authority.trust)
        let numbers = seals.sorted { ($0.chain, $0.sequence) < ($1.chain, $1.sequence) }.map { AuditTimeStamp.SealNumber(chain: $0.chain, sequence: $0.sequence) }
        let records = batch.reduce(0) { $0 + $1.records }
        try await store.store(AuditTimeStamp(imprintHex: Hex.lowercase(imprint), seals: numbers, records: records, token: token.der,
                                             authority: token.authority, stampedAt: token.time))
        logger.info("Audit seals time-stamped", metadata: ["seals": "\(numbers.map(\.description).joined(separator: " "))", "records": "\(records)",
                                                          "authority": "\(token.authority)", "time": "\(VietnamTime.timestamp(token.time))"])
    }

    private func judge(failure: String?) async throws(GatewayError) {
        guard let oldest = try await store.oldestUnstampedSeal() else {
            if evidence.holding != nil { logger.notice("Audit seals time-stamped again: new messages are taken") }
            evidence.release()
            return
        }
        let waited = clock.now().timeIntervalSince(oldest)
        let deadline = oldest.addingTimeInterval(authority.grace)
        if let failure {
            logger.warning("The audit seals cannot be time-stamped: \(failure)", metadata: [
                "waiting_since": "\(VietnamTime.timestamp(oldest))", "refusing_messages_from": "\(VietnamTime.timestamp(deadline))"])
        }
        guard waited > authority.grace else {
            evidence.release()
            return
        }
        if evidence.holding == nil {
            logger.error("No time-stamp for \(Int(waited)) s, beyond the grace period of \(Int(authority.grace)) s: new messages are refused with 503 until the time-stamping authority answers")
        }
        evidence.hold(because: "The gateway cannot time-stamp its evidence: the time-stamping authority has not answered since \(VietnamTime.timestamp(oldest)), beyond the grace period. Nothing was stored; send the message again unchanged later.")
    }
}
