import Foundation
import Hub
import Hummingbird
import Prometheus
import Store

/// `GET /metrics`: the Prometheus text format — messages received per partner and answer,
/// handling and delivery times, deliveries per partner and outcome; and, read when scraped, the
/// outbox backlog, each partner's oldest waiting message and dead letters, and the days left of
/// every certificate and CRL the exchanges depend on (`ops/prometheus/alerts.yml` alerts on them).
struct MetricsRoutes {
    let registry: PrometheusCollectorRegistry
    let store: GatewayStore
    let runtime: FlowRuntime
    let certificates: CertificateInventory?

    func register(on router: some RouterMethods<GatewayRequestContext>) {
        router.get("metrics") { _, _ -> Response in
            // These are the store's and the files', not counters of this process: read at each scrape.
            try? await updateGauges(at: runtime.clock.now())
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }

    private func gauge(_ name: String, _ labels: [(String, String)]) -> Gauge {
        registry.makeGauge(descriptor: GatewayMetricsFactory.descriptor(name), labels: labels)
    }

    func updateGauges(at now: Date) async throws {
        let partners = runtime.partners.partners.keys.sorted()
        let health = try await store.deliveryHealth(of: partners)
        gauge("gateway_outbox_undelivered", []).set(Double(health.reduce(0) { $0 + $1.backlog }))
        for entry in health {
            let labels = [("partner", entry.partner)]
            gauge("gateway_outbox_oldest_pending_seconds", labels).set(entry.oldestPending.map { max(0, now.timeIntervalSince($0)) } ?? 0)
            gauge("gateway_dead_letters", labels).set(Double(entry.deadLetters))
        }
        guard let certificates else { return }
        for certificate in certificates.certificates {
            gauge("gateway_certificate_expiry_seconds", [("owner", certificate.owner), ("role", certificate.role), ("subject", certificate.subject)])
                .set(certificate.secondsLeft(at: now).rounded())
        }
        for list in certificates.revocationLists {
            guard let next = list.nextUpdate else { continue }
            gauge("gateway_crl_next_update_seconds", [("owner", list.owner), ("issuer", list.issuer)]).set(next.timeIntervalSince(now).rounded())
        }
    }
}
