import Foundation
import GatewayCore
import Signatures
import Store

/// One message's evidence as an ASiC-E container (ETSI EN 319 162-1): the message's exact bytes,
/// the gateway's receipt, the messages it caused with every delivery attempt and answer, the audit
/// events about them with the chain up to the seals that cover them, the seals, and the RFC 3161
/// tokens over the seals with the bytes each token speaks of; a manifest of every file's SHA-256,
/// signed (CMS, detached) with the gateway's key. Each part can be checked with common tools.
public enum EvidenceContainer {
    public static let mediaType = "application/vnd.etsi.asic-e+zip"
    static let manifestName = "META-INF/ASiCManifest.xml"
    static let signatureName = "META-INF/signature.p7s"
    static let asicNamespace = "http://uri.etsi.org/02918/v1.2.1#"
    static let dsigNamespace = "http://www.w3.org/2000/09/xmldsig#"
    static let sha256URI = "http://www.w3.org/2001/04/xmlenc#sha256"

    /// What `evidence.json` says, for a person opening the container.
    struct Summary: Codable {
        let messageId: String
        let direction: String
        let partner: String
        let messageType: String
        let idempotencyKey: String
        let businessKey: String?
        let storedAt: String
        let sha256: String
        let exportedAt: String
        /// Milliseconds since 1970: the time the manifest signature is checked at.
        let exportedAtMilliseconds: Int64
    }

    struct Attempt: Codable {
        let message: String
        let attempt: Int
        let startedAt: String
        let durationMilliseconds: Int64
        let httpStatus: Int?
        let outcome: String
        let error: String?
        /// The partner's answer, base64.
        let answer: String?
    }

    struct Seal: Codable {
        let chain: Int
        let sequence: Int64
        let hash: String
        let sealedAtMilliseconds: Int64
        let signature: String

        var seal: AuditSeal {
            AuditSeal(chain: chain, sequence: sequence, hash: hash, sealedAt: Date(timeIntervalSince1970: Double(sealedAtMilliseconds) / 1000), signature: signature)
        }
    }

    public static func make(_ records: EvidenceRecords, signer: MessageSigner, at now: Date) throws(GatewayError) -> [UInt8] {
        let message = records.message
        var data: [StoredZip.Entry] = []
        let summary = Summary(messageId: message.id, direction: message.direction.rawValue, partner: message.partner, messageType: message.messageType,
                              idempotencyKey: message.idempotencyKey, businessKey: message.businessKey, storedAt: VietnamTime.timestamp(message.createdAt),
                              sha256: message.digest, exportedAt: VietnamTime.timestamp(now),
                              exportedAtMilliseconds: Int64((now.timeIntervalSince1970 * 1000).rounded()))
        data.append(StoredZip.Entry("evidence.json", try json(summary)))
        data.append(StoredZip.Entry("message/\(message.id).\(fileExtension(message.body))", message.body))
        if message.direction == .inbound, let receipt = message.receipt {
            data.append(StoredZip.Entry("message/receipt.jws", receipt))
        }
        var attempts: [Attempt] = []
        for delivered in records.deliveries {
            if delivered.message.id != message.id {
                data.append(StoredZip.Entry("deliveries/\(delivered.message.id).\(fileExtension(delivered.message.body))", delivered.message.body))
            }
            for attempt in delivered.attempts {
                let answer = delivered.answers.first { $0.attempt == attempt.attempt }?.response
                attempts.append(Attempt(message: delivered.message.id, attempt: attempt.attempt, startedAt: VietnamTime.timestamp(attempt.startedAt),
                                        durationMilliseconds: attempt.durationMilliseconds, httpStatus: attempt.httpStatus, outcome: attempt.outcome,
                                        error: attempt.error, answer: answer.map { Data($0).base64EncodedString() }))
            }
        }
        data.append(StoredZip.Entry("deliveries/attempts.json", try json(attempts)))
        data.append(StoredZip.Entry("audit/events.json", try json(records.events)))
        data.append(StoredZip.Entry("audit/seals.json", try json(records.seals.map {
            Seal(chain: $0.chain, sequence: $0.sequence, hash: $0.hash, sealedAtMilliseconds: Int64(($0.sealedAt.timeIntervalSince1970 * 1000).rounded()),
                 signature: $0.signature)
        })))
        for (index, stamp) in records.timeStamps.enumerated() {
            data.append(StoredZip.Entry("audit/timestamp-\(index + 1).tst", stamp.stamp.token))
            data.append(StoredZip.Entry("audit/timestamp-\(index + 1).seals", stamp.imprinted))
        }
        let manifest = Self.manifest(data)
        let signature = try DetachedSignature.sign(manifest, with: signer)
        let entries = [StoredZip.Entry("mimetype", Array(mediaType.utf8))] + data
            + [StoredZip.Entry(manifestName, manifest), StoredZip.Entry(signatureName, signature)]
        return StoredZip.write(entries, at: now)
    }

    static func manifest(_ entries: [StoredZip.Entry]) -> [UInt8] {
        var text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <asic:ASiCManifest xmlns:asic="\(asicNamespace)" xmlns:ds="\(dsigNamespace)">
              <asic:SigReference URI="\(signatureName)" MimeType="application/pkcs7-signature"/>

            """
        for entry in entries {
            text += """
                  <asic:DataObjectReference URI="\(escaped(entry.name))" MimeType="\(mimeType(entry.name))">
                    <ds:DigestMethod Algorithm="\(sha256URI)"/>
                    <ds:DigestValue>\(Data(Digest.sha256(entry.bytes)).base64EncodedString())</ds:DigestValue>
                  </asic:DataObjectReference>

                """
        }
        return Array((text + "</asic:ASiCManifest>\n").utf8)
    }

    static func fileExtension(_ bytes: [UInt8]) -> String {
        switch MessageFormat.detect(bytes) {
        case .xml: "xml"
        case .json: "json"
        case .jws: "jws"
        case nil: "bin"
        }
    }

    static func mimeType(_ name: String) -> String {
        switch name.split(separator: ".").last ?? "" {
        case "xml": "text/xml"
        case "json": "application/json"
        case "jws": "application/jose"
        case "tst": "application/vnd.etsi.timestamp-token"
        default: "application/octet-stream"
        }
    }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "<", with: "&lt;")
    }

    private static func json(_ value: some Encodable) throws(GatewayError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(value)) + [0x0A]
        } catch {
            throw GatewayError(.internalError, "The evidence cannot be written: \(error)")
        }
    }
}
