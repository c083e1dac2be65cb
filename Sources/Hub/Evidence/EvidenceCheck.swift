import Foundation
import GatewayCore
import HardenedXML
import Signatures
import Store

/// Checks an evidence container offline, part by part, and names the first part that does not
/// hold: the container and its manifest, the gateway's signature over the manifest, the message's
/// bytes against the digest the audit chain recorded, the receipt, every delivery and attempt
/// against its audit event, every link from those events to the seals, each seal's signature, and
/// each time-stamp over the seals.
public struct EvidenceCheck: Sendable {
    /// The gateway's receipt certificate (or its CA): it signed the manifest and the seals.
    let gatewayTrust: [Certificate]
    /// The time-stamping authority's certificate or CA; nil: the tokens are not checked.
    let timeStampTrust: [Certificate]?

    public init(gatewayTrust: [Certificate], timeStampTrust: [Certificate]?) {
        self.gatewayTrust = gatewayTrust
        self.timeStampTrust = timeStampTrust
    }

    public struct Report: Sendable {
        public let messageId: String
        public let lines: [String]
    }

    public func verify(_ container: [UInt8]) throws(GatewayError) -> Report {
        let entries = try StoredZip.read(container)
        guard entries.first?.name == "mimetype", entries.first?.bytes == Array(EvidenceContainer.mediaType.utf8) else {
            throw problem("It is not an ASiC-E container: its first entry is not the mimetype \(EvidenceContainer.mediaType).")
        }
        let files = Dictionary(entries.map { ($0.name, $0.bytes) }, uniquingKeysWith: { first, _ in first })
        guard let manifest = files[EvidenceContainer.manifestName], let signature = files[EvidenceContainer.signatureName] else {
            throw problem("\(EvidenceContainer.manifestName) or \(EvidenceContainer.signatureName) is missing.")
        }
        try checkManifest(manifest, against: entries)
        let summary: EvidenceContainer.Summary = try decode("evidence.json", from: files)
        var lines: [String] = []
        do throws(GatewayError) {
            let signer = try DetachedSignature.verify(signature, over: manifest, trust: gatewayTrust,
                                                      at: Date(timeIntervalSince1970: Double(summary.exportedAtMilliseconds) / 1000))
            lines.append("Manifest of \(entries.count - 3) files signed by \(signer) at export, \(summary.exportedAt).")
        } catch {
            throw problem("The manifest's signature does not hold: \(error.message)")
        }
        let events: [AuditEventRecord] = try decode("audit/events.json", from: files)
        lines += try checkMessages(summary, files: files, events: events)
        lines += try checkChain(events, seals: try decode("audit/seals.json", from: files), files: files)
        return Report(messageId: summary.messageId, lines: lines)
    }

    private func checkManifest(_ manifest: [UInt8], against entries: [StoredZip.Entry]) throws(GatewayError) {
        let document = try HardenedXMLParser().parse(manifest)
        guard let root = document.rootElement, root.isElement("ASiCManifest", namespace: EvidenceContainer.asicNamespace) else {
            throw problem("\(EvidenceContainer.manifestName) is not an ASiC manifest.")
        }
        var listed: [String: String] = [:]
        for reference in root.children("DataObjectReference", namespace: EvidenceContainer.asicNamespace) {
            guard let uri = reference.attribute("URI"), let digest = reference.firstChild("DigestValue", namespace: EvidenceContainer.dsigNamespace)?.textContent else {
                throw problem("A reference of the manifest has no URI or digest.")
            }
            listed[uri] = digest.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        for entry in entries where entry.name != "mimetype" && !entry.name.hasPrefix("META-INF/") {
            guard let digest = listed.removeValue(forKey: entry.name) else {
                throw problem("\(entry.name) is in the container but not in its signed manifest: it was added.")
            }
            guard digest == Data(Digest.sha256(entry.bytes)).base64EncodedString() else {
                throw problem("\(entry.name) was changed: its SHA-256 is not the one in the signed manifest.")
            }
        }
        if let missing = listed.keys.sorted().first { throw problem("\(missing) is in the signed manifest but not in the container: it was removed.") }
    }

    /// The message, its receipt, the messages it caused and their attempts, each against the audit
    /// event that recorded it.
    private func checkMessages(_ summary: EvidenceContainer.Summary, files: [String: [UInt8]], events: [AuditEventRecord]) throws(GatewayError) -> [String] {
        let id = summary.messageId
        guard let (name, body) = files.first(where: { $0.key.hasPrefix("message/\(id).") }) else { throw problem("The message's bytes (message/\(id).*) are missing.") }
        let digest = Digest.sha256Hex(body)
        guard let recorded = events.first(where: { $0.subject == id && ($0.kind == "message.received" || $0.kind == "message.queued") }) else {
            throw problem("The audit events hold no arrival or queueing of message \(id).")
        }
        guard recorded.detail.contains("sha256:\(digest)") else {
            throw problem("\(name) is not the message the audit chain recorded (event \(recorded.sequence) of chain \(recorded.chain) names another SHA-256).")
        }
        let recordedAt = Date(timeIntervalSince1970: Double(recorded.at) / 1000)
        var lines = ["Message \(id) (\(summary.partner), \(summary.messageType)): \(body.count) bytes, sha256:\(digest), as recorded by audit event \(recorded.sequence) of chain \(recorded.chain) at \(VietnamTime.timestamp(recordedAt))."]
        if let receipt = files["message/receipt.jws"] {
            lines.append(try checkReceipt(receipt, id: id, digest: digest, at: recordedAt))
        }
        let attempts: [EvidenceContainer.Attempt] = try decode("deliveries/attempts.json", from: files)
        var delivered = 0
        for (name, body) in files where name.hasPrefix("deliveries/") && name != "deliveries/attempts.json" {
            let deliveryId = String(name.dropFirst("deliveries/".count).split(separator: ".").first ?? "")
            guard events.contains(where: { $0.subject == deliveryId && $0.kind == "message.queued" && $0.detail.contains("sha256:\(Digest.sha256Hex(body))") }) else {
                throw problem("\(name) is not the message the audit chain recorded as queued.")
            }
            delivered += 1
        }
        for attempt in attempts {
            let expected = "attempt \(attempt.attempt)\(attempt.httpStatus.map { " HTTP \($0)" } ?? "")"
            guard events.contains(where: {
                $0.subject == attempt.message && $0.kind == "delivery.\(attempt.outcome)" && ($0.detail == expected || $0.detail.hasPrefix(expected + ":"))
            }) else {
                throw problem("Attempt \(attempt.attempt) of \(attempt.message) (\(attempt.outcome)\(attempt.httpStatus.map { ", HTTP \($0)" } ?? "")) is not what the audit chain recorded.")
            }
        }
        lines.append("\(delivered) messages it caused and \(attempts.count) delivery attempts, each as the audit chain recorded it.")
        return lines
    }

    private func checkReceipt(_ receipt: [UInt8], id: String, digest: String, at time: Date) throws(GatewayError) -> String {
        struct Body: Decodable { let gatewayMessageId: String; let digest: String; let receivedAt: String }
        let store = try TrustStore(certificates: gatewayTrust, source: "the gateway's receipt certificate")
        let verified: VerifiedJWS
        do {
            verified = try JWSVerifier(trust: .standard(store: store)).verify(String(decoding: receipt, as: UTF8.self), at: time)
        } catch {
            throw problem("The receipt is not the gateway's: \(error.message)")
        }
        guard let body = try? JSONDecoder().decode(Body.self, from: Data(verified.payload)), body.gatewayMessageId == id, body.digest == "sha256:\(digest)" else {
            throw problem("The receipt speaks of another message than \(id).")
        }
        return "Receipt signed by \(verified.signature.signer.subject): accepted at \(body.receivedAt)."
    }

    /// Every event's link recomputed, each segment continuous up to a seal that holds its hash,
    /// each seal signed by the gateway, each time-stamp over seals of the container.
    private func checkChain(_ events: [AuditEventRecord], seals: [EvidenceContainer.Seal], files: [String: [UInt8]]) throws(GatewayError) -> [String] {
        var sealsByNumber: [AuditTimeStamp.SealNumber: AuditSeal] = [:]
        let check = try AuditSealCheck(receiptCertificates: gatewayTrust)
        for item in seals {
            let seal = item.seal
            if let broken = check.problem(with: seal) { throw problem(broken) }
            sealsByNumber[AuditTimeStamp.SealNumber(chain: seal.chain, sequence: seal.sequence)] = seal
        }
        var segments = 0
        for (index, event) in events.enumerated() {
            guard event.computedHash == event.hash else {
                throw problem("Audit event \(event.sequence) of chain \(event.chain) was changed: its fields do not give its hash.")
            }
            let next = index + 1 < events.count ? events[index + 1] : nil
            if let next, next.chain == event.chain, next.sequence == event.sequence + 1 {
                guard next.previousHash == event.hash else { throw problem("Audit event \(next.sequence) of chain \(next.chain) does not follow event \(event.sequence).") }
                continue
            }
            guard let seal = sealsByNumber[AuditTimeStamp.SealNumber(chain: event.chain, sequence: event.sequence)], seal.hash == event.hash else {
                throw problem("The audit events of chain \(event.chain) up to \(event.sequence) end at no seal of the gateway that holds their hash.")
            }
            segments += 1
        }
        var lines = ["\(events.count) audit events in \(segments) segments, each linked up to a seal; \(seals.count) seals signed by the gateway, the last at \(VietnamTime.timestamp(seals.map(\.seal.sealedAt).max() ?? .distantPast))."]
        lines.append(try checkTimeStamps(Array(sealsByNumber.values), files: files))
        return lines
    }

    private func checkTimeStamps(_ seals: [AuditSeal], files: [String: [UInt8]]) throws(GatewayError) -> String {
        var stamped = Set<String>()
        var times: [String] = []
        var index = 1
        while let token = files["audit/timestamp-\(index).tst"] {
            guard let imprinted = files["audit/timestamp-\(index).seals"] else { throw problem("audit/timestamp-\(index).seals is missing.") }
            let signatures = String(decoding: imprinted, as: UTF8.self).split(separator: "\n").map(String.init)
            if let timeStampTrust {
                do throws(GatewayError) {
                    let checked = try TimeStamps.verify(token, imprint: Digest.sha256(imprinted), trust: timeStampTrust)
                    times.append("\(VietnamTime.timestamp(checked.time)) by \(checked.authority)")
                } catch {
                    throw problem("Time-stamp \(index) does not hold: \(error.message)")
                }
            }
            stamped.formUnion(signatures)
            index += 1
        }
        let covered = seals.filter { stamped.contains($0.signature) }.count
        guard timeStampTrust != nil else {
            return "\(index - 1) time-stamps not checked: give --tsa-certificate."
        }
        guard covered == seals.count else {
            return index == 1 ? "Not time-stamped." : "\(covered) of \(seals.count) seals time-stamped (\(times.joined(separator: "; "))); the rest were not yet."
        }
        return "Every seal time-stamped: \(times.joined(separator: "; "))."
    }

    private func decode<T: Decodable>(_ name: String, from files: [String: [UInt8]]) throws(GatewayError) -> T {
        guard let bytes = files[name] else { throw problem("\(name) is missing.") }
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch {
            throw problem("\(name) cannot be read: \(error)")
        }
    }

    private func problem(_ message: String) -> GatewayError {
        GatewayError(.signatureInvalid, message)
    }
}
