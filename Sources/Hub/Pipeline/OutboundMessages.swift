import Foundation
import GatewayCore
import MessageSpecs
import Signatures
import Store

/// Turns what a flow produced into messages ready to store and send: signed with the gateway's
/// key for that partner (`signWith` of its partner file), with the partner's content type.
public struct OutboundMessages: Sendable {
    let partners: PartnerRegistry
    let signers: [String: MessageSigner]
    let ids: any MessageIdSource

    init(partners: PartnerRegistry, ids: any MessageIdSource) throws(GatewayError) {
        var signers: [String: MessageSigner] = [:]
        for partner in partners.partners.values {
            guard let credentials = partner.signingKey else { continue }
            signers[partner.id] = try MessageSigner(keyFile: credentials.key, certificateFile: credentials.certificate, chainFile: credentials.chain,
                                                    passphrase: credentials.passphrase)
        }
        self.partners = partners
        self.signers = signers
        self.ids = ids
    }

    /// The certificates the gateway signs its messages to partners with.
    var fingerprints: Set<String> { Set(signers.values.map(\.fingerprint)) }

    /// A written message signed as `partner` expects the gateway's messages signed.
    func signed(_ output: Translator.Output, for partner: String) throws(GatewayError) -> [UInt8] {
        guard let signer = signers[partner] else {
            throw GatewayError(.configurationInvalid, "The gateway has no signing key for \(partner) (signWith in its partner file).")
        }
        return try signer.sign(written: output.bytes, format: output.spec.format == .xml ? .xml : .json)
    }

    /// A synchronous answer in the partner's own format: signed (an ASEAN ACK) unless its format
    /// is unsigned (BIDV's NotificationResult, which BIDV takes over its mutual TLS).
    public func answer(_ output: Translator.Output, for partner: String) throws(GatewayError) -> SynchronousAnswer {
        guard output.spec.signature.format != "none" else {
            return SynchronousAnswer(contentType: output.spec.format == .xml ? "application/xml; charset=utf-8" : "application/json", body: output.bytes)
        }
        return SynchronousAnswer(contentType: contentType(of: output.spec), body: try signed(output, for: partner))
    }

    func stored(_ produced: ProducedMessage, causedBy cause: String, at now: Date) throws(GatewayError) -> StoredMessage {
        let id = produced.output.envelope.messageId ?? ids.next()
        return StoredMessage(
            id: id, direction: .outbound, partner: produced.partner, messageType: produced.output.spec.key, idempotencyKey: id,
            body: try signed(produced.output, for: produced.partner),
            contentType: partners.partner(produced.partner)?.endpoint?.contentType ?? contentType(of: produced.output.spec),
            record: String(decoding: JSONWriter.compact(produced.output.record), as: UTF8.self), businessKey: produced.businessKey, status: .pending, causedBy: cause, createdAt: now)
    }

    private func contentType(of spec: MessageSpec) -> String {
        spec.format == .xml ? "application/xml; charset=utf-8" : "application/jose"
    }
}
