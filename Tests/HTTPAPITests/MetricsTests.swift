import Delivery
import Foundation
import GatewayCore
import HTTPAPI
import Hub
import Hummingbird
import HummingbirdTesting
import Prometheus
import Store
import Testing
import TestSupport

/// `GET /metrics`: what an operator's Prometheus scrapes — messages per partner and answer,
/// deliveries per partner and outcome, the outbox backlog.
@Suite struct MetricsTests {
    typealias G = FlowGateway

    @Test func messagesAndDeliveriesAreCountedPerPartnerAndOutcome() async throws {
        let registry = PrometheusCollectorRegistry()
        let factory = PrometheusMetricsFactory(registry: registry)
        let moit = try await FakePartner.start(answering: [503, 202])
        defer { moit.stop() }
        let gateway = try await G.start(endpoints: ["moit": moit])
        let pipeline = try InboundPipeline(runtime: gateway.pipeline.runtime, receiptSigner: try G.signer("gateway"), metrics: factory)
        let worker = OutboxWorker(store: gateway.store, plan: PartnerDeliveryPlan(runtime: pipeline.runtime), threads: G.threads,
                                  metrics: factory)
        let application = try G.signed("customs-core/ImportApplication.v2/samples/ImportApplication-01.json", by: "customs-core")
        #expect(await pipeline.receive(from: "customs-core", application).status == 202)
        #expect(await pipeline.receive(from: "customs-core", application).status == 200)
        #expect(await pipeline.receive(from: "somebody", application).status == 404)
        try await Application(router: GatewayServer.router(pipeline: pipeline, access: .test, metrics: registry)).test(.router) { client in
            let before = try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: TestAccess.bearer(TestAccess.operatorToken)]) { String(buffer: $0.body) }
            #expect(before.contains("gateway_outbox_undelivered 1"))
            try await worker.deliverDue()
            let text = try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: TestAccess.bearer(TestAccess.operatorToken)]) { response in
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                return String(buffer: response.body)
            }
            #expect(text.contains(#"gateway_messages_received_total{partner="customs-core",status="202"} 1"#))
            #expect(text.contains(#"gateway_messages_received_total{partner="customs-core",status="200"} 1"#))
            #expect(text.contains(#"gateway_messages_received_total{partner="unknown",status="404"} 1"#))
            #expect(text.contains(#"gateway_deliveries_total{partner="moit",outcome="retry"} 1"#))
            #expect(text.contains("gateway_message_handling_seconds_bucket"))
            #expect(text.contains("gateway_outbox_undelivered 1"), "the retry waits in the outbox")
        }
        await gateway.store.close()
    }
}
