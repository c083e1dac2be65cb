import Delivery
import Foundation
import GatewayCore
import HTTPAPI
import Hub
import Hummingbird
import HummingbirdTesting
import Prometheus
import Signatures
import Store
import Testing
import TestSupport

/// `GET /metrics`: what an operator's Prometheus scrapes — messages per partner and answer,
/// deliveries per partner and outcome, the outbox backlog.
@Suite struct MetricsTests {
    typealias G = FlowGateway

    @Test func messagesAndDeliveriesAreCountedPerPartnerAndOutcome() async throws {
        let registry = PrometheusCollectorRegistry()
        let factory = GatewayMetricsFactory(registry: registry)
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
            for family in text.split(separator: "\n").filter({ $0.hasPrefix("# TYPE ") }).map({ $0.split(separator: " ")[2] }) {
                #expect(text.contains("# HELP \(family) "), "every metric says what it counts: \(family)")
            }
            #expect(text.contains(#"gateway_outbox_oldest_pending_seconds{partner="moit"}"#))
            #expect(text.contains(#"gateway_dead_letters{partner="moit"} 0"#))
        }
        await gateway.store.close()
    }

    /// The gauges the alert rules watch: a certificate's seconds left, a CRL's next update, a
    /// partner's oldest waiting message and dead letters.
    @Test func certificatesCRLsBacklogAgeAndDeadLettersAreGauges() async throws {
        let registry = PrometheusCollectorRegistry()
        let (gateway, _) = try await AdminRoutesTests.gatewayWithDeadLetters()
        let certificates = try CertificateInventory(partners: gateway.pipeline.runtime.partners,
                                                    own: [("receipt-signer", RepositoryPaths.root + "/Certificates/demo/gateway/cert.pem")])
        let router = GatewayServer.router(pipeline: gateway.pipeline, access: .test, metrics: registry, certificates: certificates)
        try await Application(router: router).test(.router) { client in
            let text = try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: TestAccess.bearer(TestAccess.operatorToken)]) {
                String(buffer: $0.body)
            }
            #expect(text.contains(#"gateway_dead_letters{partner="moit"} 2"#))
            #expect(text.contains("# HELP gateway_certificate_expiry_seconds "))
            let receipt = try #require(text.split(separator: "\n").first { $0.hasPrefix(#"gateway_certificate_expiry_seconds{owner="gateway",role="receipt-signer""#) })
            let left = try #require(Double(receipt.split(separator: " ").last ?? ""))
            #expect(left > 0, "the demo receipt certificate is valid today")
            #expect(text.contains(#"gateway_certificate_expiry_seconds{owner="moit",role="ca""#))
            #expect(text.contains("gateway_crl_next_update_seconds{owner="), "the trust directories' CRLs")
        }
        await gateway.store.close()
    }
}
