import Foundation
import Hub
import Hummingbird
import Prometheus
import Store

/// `GET /metrics`: the Prometheus text format — messages received per partner and answer,
/// handling and delivery times, deliveries per partner and outcome, and the outbox backlog.
struct MetricsRoutes {
    let registry: PrometheusCollectorRegistry
    let store: GatewayStore

    func register(on router: some RouterMethods<GatewayRequestContext>) {
        let backlog = registry.makeGauge(name: "gateway_outbox_undelivered", labels: [])
        router.get("metrics") { _, _ -> Response in
            // The backlog is read when scraped: it is the store's, not a counter of this process.
            if let undelivered = try? await store.undelivered() { backlog.set(Double(undelivered)) }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }
}
