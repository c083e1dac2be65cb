import Foundation
import GatewayCore
import Logging
import Signatures
import Store

/// Seals the audit chains' heads with the gateway's receipt key, every minute and at a graceful
/// stop: each head that moved gets a JWS of its number and hash. `gateway audit verify` then finds
/// a chain recomputed after an edit or cut back, which a hash chain alone cannot show.
public struct AuditSealing: Sendable {
    let store: GatewayStore
    let signer: MessageSigner
    let clock: any GatewayClock
    let logger: Logger

    public init(store: GatewayStore, signer: MessageSigner, clock: any GatewayClock, logger: Logger = Logger(label: "gateway.audit")) {
        self.store = store
        self.signer = signer
        self.clock = clock
        self.logger = logger
    }

    /// Seals every head that moved since its last seal; how many.
    @discardableResult
    public func sealHeads() async throws(GatewayError) -> Int {
        let heads = try await store.unsealedHeads()
        for head in heads {
            let now = clock.now()
            let payload = AuditSeal.payload(chain: head.chain, sequence: head.sequence, hash: head.hash, sealedAt: now)
            let signature = String(decoding: try signer.sign(payload), as: UTF8.self)
            try await store.store(AuditSeal(chain: head.chain, sequence: head.sequence, hash: head.hash, sealedAt: now, signature: signature))
        }
        if !heads.isEmpty { logger.info("Audit chains sealed", metadata: ["heads": "\(heads.map { "\($0.chain):\($0.sequence)" }.joined(separator: " "))"]) }
        return heads.count
    }

    /// Seals every `interval` until cancelled.
    public func run(every interval: Duration = .seconds(60)) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            do {
                try await sealHeads()
            } catch {
                if !Task.isCancelled { logger.error("Sealing the audit chains failed: \(error)") }
            }
        }
    }
}

/// Checks a seal's signature: a JWS by the gateway's receipt certificate over the seal's own fields.
public enum AuditSealCheck {
    public static func verify(_ seal: AuditSeal, receiptCertificate: Certificate) -> String? {
        do {
            let store = try TrustStore(certificates: [receiptCertificate], source: "the gateway's receipt certificate")
            let verified = try JWSVerifier(trust: .standard(store: store)).verify(seal.signature, at: seal.sealedAt)
            guard verified.payload == seal.payload else {
                return "The seal of audit event \(seal.sequence) of chain \(seal.chain) signs other values than the ones stored beside it."
            }
            return nil
        } catch let refusal as SignatureRefusal {
            return "The seal of audit event \(seal.sequence) of chain \(seal.chain) is not the gateway's: \(refusal.message)"
        } catch {
            return "The seal of audit event \(seal.sequence) of chain \(seal.chain) cannot be checked: \(error)"
        }
    }
}
