import Foundation
import GatewayCore
import Signatures
import Synchronization

/// A certificate the gateway depends on, and whose it is: a partner's CA or signer, or one of the
/// gateway's own (its receipt key, the keys it signs each partner's messages with, its TLS
/// certificates).
public struct WatchedCertificate: Sendable, Hashable {
    /// A partner id, or `gateway` for the gateway's own.
    public let owner: String
    /// `ca`, `signer`, `receipt-signer`, `tls-client`, `tls-server`.
    public let role: String
    public let subject: String
    public let notAfter: Date
    /// The file or trust directory it was read from; `seen in messages` for a partner's signer.
    public let source: String

    public func secondsLeft(at now: Date) -> TimeInterval { notAfter.timeIntervalSince(now) }
}

/// A CRL a partner's trust directory holds, and when its issuer promised the next one.
public struct WatchedRevocationList: Sendable, Hashable {
    public let owner: String
    public let issuer: String
    public let nextUpdate: Date?
    public let source: String
}

/// Every certificate and CRL whose expiry would stop an exchange: those of the partner files in
/// force (their trust directories, the gateway's signing and TLS client certificates they name),
/// worked out again when the files are reloaded; the gateway's own other certificates, read at
/// start; and the partners' signer certificates as messages bring them.
public final class CertificateInventory: Sendable {
    private let partners: @Sendable () -> PartnerRegistry
    private let own: [WatchedCertificate]
    private let derived = Mutex<(generation: UUID, certificates: [WatchedCertificate], revocationLists: [WatchedRevocationList])?>(nil)

    /// `own` are the gateway's certificate files not named in a partner file (`receipt-signer`, `tls-server`), by role.
    public convenience init(partners: PartnerRegistry, own: [(role: String, file: String)]) throws(GatewayError) {
        try self.init(partners: { partners }, own: own)
    }

    /// `partners` gives the partner files in force at each look.
    public init(partners: @escaping @Sendable () -> PartnerRegistry, own: [(role: String, file: String)]) throws(GatewayError) {
        self.partners = partners
        var read: [WatchedCertificate] = []
        for (role, file) in own { read += try Self.read(file, role: role) }
        self.own = read
        _ = try fromPartners()
    }

    /// The certificates and CRLs the partner files in force name, worked out once per load of them.
    private func fromPartners() throws(GatewayError) -> (certificates: [WatchedCertificate], revocationLists: [WatchedRevocationList]) {
        let registry = partners()
        if let known = derived.withLock({ $0 }), known.generation == registry.generation { return (known.certificates, known.revocationLists) }
        var fixed: [WatchedCertificate] = []
        var lists: [WatchedRevocationList] = []
        for partner in registry.partners.values.sorted(by: { $0.id < $1.id }) {
            let store = partner.trust.store
            for certificate in store.anchors + store.intermediates {
                fixed.append(WatchedCertificate(owner: partner.id, role: "ca", subject: certificate.subject, notAfter: certificate.notAfter,
                                                source: partner.trustDirectory))
            }
            for list in store.revocationLists {
                lists.append(WatchedRevocationList(owner: partner.id, issuer: list.issuer, nextUpdate: list.nextUpdate, source: partner.trustDirectory))
            }
            if let signing = partner.signingKey { fixed += try Self.read(signing.certificate, role: "signer") }
            if let client = partner.endpoint?.clientCertificate { fixed += try Self.read(client, role: "tls-client") }
        }
        let certificates = Array(Set(fixed))
        let revocationLists = Array(Set(lists)).sorted { ($0.owner, $0.issuer) < ($1.owner, $1.issuer) }
        derived.withLock { $0 = (registry.generation, certificates, revocationLists) }
        return (certificates, revocationLists)
    }

    public var revocationLists: [WatchedRevocationList] { (try? fromPartners())?.revocationLists ?? [] }

    /// The first certificate of a PEM file, as one of the gateway's own.
    private static func read(_ file: String, role: String) throws(GatewayError) -> [WatchedCertificate] {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw GatewayError(.configurationInvalid, "The certificate file \(file) cannot be read.", path: file)
        }
        guard let certificate = try Certificate.certificates(pem: Array(data)).first else {
            throw GatewayError(.configurationInvalid, "The certificate file \(file) holds no certificate.", path: file)
        }
        return [WatchedCertificate(owner: "gateway", role: role, subject: certificate.subject, notAfter: certificate.notAfter, source: file)]
    }

    /// Every watched certificate now, the partners' signers seen so far included; soonest to expire first.
    public var certificates: [WatchedCertificate] {
        var seen: [WatchedCertificate] = []
        for partner in partners().partners.values {
            for signer in partner.trust.store.signersSeen {
                seen.append(WatchedCertificate(owner: partner.id, role: "signer", subject: signer.subject, notAfter: signer.notAfter, source: "seen in messages"))
            }
        }
        let fixed = own + ((try? fromPartners())?.certificates ?? [])
        return Array(Set(fixed + seen)).sorted { ($0.notAfter, $0.owner, $0.subject) < ($1.notAfter, $1.owner, $1.subject) }
    }

    /// What expires (or has expired, or is overdue for a new CRL) within `window` of `now`, one
    /// sentence each, soonest first: the warnings an operator gets at start and every day.
    public func warnings(within window: TimeInterval, at now: Date) -> [String] {
        var lines: [String] = []
        for certificate in certificates where certificate.secondsLeft(at: now) < window {
            let days = Int((certificate.secondsLeft(at: now) / 86_400).rounded(.down))
            let when = days < 0 ? "expired \(-days) days ago" : "expires in \(days) days"
            lines.append("The \(certificate.role) certificate \(certificate.subject) of \(certificate.owner) \(when) (\(VietnamTime.timestamp(certificate.notAfter)); \(certificate.source))")
        }
        for list in revocationLists {
            guard let next = list.nextUpdate, next.timeIntervalSince(now) < window else { continue }
            let days = Int((next.timeIntervalSince(now) / 86_400).rounded(.down))
            let when = days < 0 ? "was due \(-days) days ago" : "is due in \(days) days"
            lines.append("The next CRL of \(list.issuer) for \(list.owner) \(when) (\(VietnamTime.timestamp(next)); \(list.source))")
        }
        return lines
    }
}
