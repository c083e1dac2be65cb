import Foundation
import GatewayCore
import Hub
import Store

/// Each partner's delivery health beside the certificates and CRLs its exchanges depend on, and
/// the gateway's own certificates: what `GET /v1/admin/partners` answers and the console shows.
struct PartnerHealth: Sendable {
    let store: GatewayStore
    let runtime: FlowRuntime
    let certificates: CertificateInventory?

    var partners: PartnerRegistry { runtime.partners }
    var clock: any GatewayClock { runtime.clock }

    struct Report: Encodable {
        let at: String
        let partners: [PartnerView]
        /// The gateway's own certificates (receipt key, signing keys, TLS).
        let gateway: [CertificateView]
    }

    struct PartnerView: Encodable {
        let id: String
        let name: String
        let kind: String
        let endpoint: String?
        let backlog: Int
        let oldestPendingSeconds: Int?
        let deadLetters: Int
        let failed: Int
        let lastDelivered: String?
        let certificates: [CertificateView]
        let revocationLists: [RevocationListView]
    }

    struct CertificateView: Encodable {
        let role: String
        let subject: String
        let notAfter: String
        let daysLeft: Int
        let source: String
    }

    struct RevocationListView: Encodable {
        let issuer: String
        let nextUpdate: String?
        let daysLeft: Int?
    }

    static func days(_ seconds: TimeInterval) -> Int { Int((seconds / 86_400).rounded(.down)) }

    func report() async throws(GatewayError) -> Report {
        let now = clock.now()
        let delivery = try await store.deliveryHealth(of: partners.partners.keys.sorted())
        let watched = certificates?.certificates ?? []
        let lists = certificates?.revocationLists ?? []
        func view(_ certificate: WatchedCertificate) -> CertificateView {
            CertificateView(role: certificate.role, subject: certificate.subject, notAfter: VietnamTime.timestamp(certificate.notAfter),
                            daysLeft: Self.days(certificate.secondsLeft(at: now)), source: certificate.source)
        }
        let views = delivery.compactMap { health -> PartnerView? in
            guard let partner = partners.partner(health.partner) else { return nil }
            return PartnerView(
                id: partner.id, name: partner.name, kind: partner.role.rawValue, endpoint: partner.endpoint?.url,
                backlog: health.backlog, oldestPendingSeconds: health.oldestPending.map { max(0, Int(now.timeIntervalSince($0))) },
                deadLetters: health.deadLetters, failed: health.failed, lastDelivered: health.lastDelivered.map(VietnamTime.timestamp),
                certificates: watched.filter { $0.owner == partner.id }.map(view),
                revocationLists: lists.filter { $0.owner == partner.id }.map {
                    RevocationListView(issuer: $0.issuer, nextUpdate: $0.nextUpdate.map(VietnamTime.timestamp),
                                       daysLeft: $0.nextUpdate.map { Self.days($0.timeIntervalSince(now)) })
                })
        }
        return Report(at: VietnamTime.timestamp(now), partners: views, gateway: watched.filter { $0.owner == "gateway" }.map(view))
    }
}
