import Delivery
import Foundation
import GatewayCore
import Logging
import Signatures
import Store

/// Seals the audit chains' heads with the gateway's receipt key, every minute and at a graceful
/// stop: each head that moved gets a JWS of its number and hash. `gateway audit verify` then finds
/// a chain recomputed after an edit or cut back, which a hash chain alone cannot show. With a
/// time-stamping authority, each round's seals are then time-stamped (`AuditTimeStamping`).
public struct AuditSealing: Sendable {
    let store: GatewayStore
    let key: ReceiptKey
    let clock: any GatewayClock
    let logger: Logger
    let timeStamping: AuditTimeStamping?

    /// `evidence`: the hold the time-stamping closes past the authority's grace period.
    public init(store: GatewayStore, key: ReceiptKey, clock: any GatewayClock, authority: TimeStampAuthority? = nil,
                evidence: EvidenceHold = EvidenceHold(), threads: DeliveryThreads? = nil, logger: Logger = Logger(label: "gateway.audit")) {
        self.store = store
        self.key = key
        self.clock = clock
        self.logger = logger
        timeStamping = authority.map {
            AuditTimeStamping(store: store, authority: $0, clock: clock, evidence: evidence, threads: threads ?? DeliveryThreads(count: 1), logger: logger)
        }
    }

    /// Seals the heads that moved, then has the waiting seals time-stamped.
    public func sealAndStamp() async throws(GatewayError) {
        try await sealHeads()
        try await timeStamping?.stampWaitingSeals()
    }

    /// Seals every head that moved since its last seal; how many.
    @discardableResult
    public func sealHeads() async throws(GatewayError) -> Int {
        var sealed: [String] = []
        // A head more than `recordsPerSeal` on is sealed in steps; bounded for a round.
        for _ in 0..<100 {
            let heads = try await store.unsealedHeads()
            if heads.isEmpty { break }
            for head in heads {
                let now = clock.now()
                let payload = AuditSeal.payload(chain: head.chain, sequence: head.sequence, hash: head.hash, sealedAt: now)
                let signature = String(decoding: try key.signer.sign(payload), as: UTF8.self)
                try await store.store(AuditSeal(chain: head.chain, sequence: head.sequence, hash: head.hash, sealedAt: now, signature: signature))
                sealed.append("\(head.chain):\(head.sequence)")
            }
        }
        if !sealed.isEmpty { logger.info("Audit chains sealed", metadata: ["heads": "\(sealed.joined(separator: " "))"]) }
        return sealed.count
    }

    /// Seals every `interval` until cancelled.
    public func run(every interval: Duration = .seconds(60)) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            // The stop seals once more itself, after the deliveries in flight are recorded.
            if Task.isCancelled { return }
            do {
                try await sealAndStamp()
            } catch {
                if !Task.isCancelled { logger.error("Sealing the audit chains failed: \(error)") }
            }
        }
    }
}

/// Checks seals' signatures: each a JWS by one of the gateway's receipt certificates (several after
/// a rotation) over the seal's own fields. Built once for a walk over every seal.
public struct AuditSealCheck: Sendable {
    let verifier: JWSVerifier

    public init(receiptCertificates: [Certificate]) throws(GatewayError) {
        let store = try TrustStore(certificates: receiptCertificates, source: "the gateway's receipt certificates")
        verifier = JWSVerifier(trust: .standard(store: store))
    }

    /// What is wrong with `seal`; nil when it holds.
    public func problem(with seal: AuditSeal) -> String? {
        do {
            let verified = try verifier.verify(seal.signature, at: seal.sealedAt)
            guard verified.payload == seal.payload else {
                return "The seal of audit event \(seal.sequence) of chain \(seal.chain) signs other values than the ones stored beside it."
            }
            return nil
        } catch {
            return "The seal of audit event \(seal.sequence) of chain \(seal.chain) is not the gateway's: \(error.message)"
        }
    }
}
