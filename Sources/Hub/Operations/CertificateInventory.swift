import Foundation
import GatewayCore
import Signatures

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

/// Every certificate and CRL whose expiry would stop an exchange: read from the partner files'
/// trust directories and the gateway's own certificate files at start, and the partners' signer
/// certificates as messages bring them.
public struct CertificateInventory: Sendable {
    public let fixed: [WatchedCertificate]
    public let revocationLists: [WatchedRevocationList]
    private let stores: [(owner: String, store: TrustStore)]

    /// `own` are the gateway's certificate files not named in a partner file (`receipt-signer`, `tls-server`), by role.
    public init(partners: PartnerRegistry, own: [(role: String, file: String)]) throws(GatewayError) {
        var fixed: [WatchedCertificate] = []
        var lists: [WatchedRevocationList] = []
        var stores: [(String, TrustStore)] = []
        for partner in partners.partners.values.sorted(by: { $0.id < $1.id }) {
            let store = partner.trust.store
            stores.append((partner.id, store))
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
        for (role, file) in own { fixed += try Self.read(file, role: role) }
        self.fixed = Array(Set(fixed)).sorted { ($0.notAfter, $0.owner, $0.subject) < ($1.notAfter, $1.owner, $1.subject) }
        revocationLists = Array(Set(lists)).sorted { ($0.owner, $0.issuer) < ($1.owner, $1.issuer) }
        self.stores = stores
    }

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
        for (owner, store) in stores {
            for signer in store.signersSeen {
                seen.append(WatchedCertificate(owner: owner, role: "signer", subject: signer.subject, notAfter: signer.notAfter, source: "seen in messages"))
            }
        }
        return (fixed + Set(seen)).sorted { ($0.notAfter, $0.owner, $0.subject) < ($1.notAfter, $1.owner, $1.subject) }
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
