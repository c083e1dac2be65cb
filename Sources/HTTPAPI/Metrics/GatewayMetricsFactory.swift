import Metrics
import Prometheus

/// swift-metrics' factory over a Prometheus registry, as `PrometheusMetricsFactory` is, but with
/// the `# HELP` text of every metric the gateway reports (swift-metrics has no place for one).
public struct GatewayMetricsFactory: MetricsFactory {
    public let registry: PrometheusCollectorRegistry

    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// What each metric counts, for the operator reading `/metrics` or writing an alert.
    static let help: [String: String] = [
        "gateway_messages_received_total": "Messages partners posted to the gateway, by partner and the HTTP status they were answered with.",
        "gateway_message_handling_seconds": "Time from a partner's complete request to the gateway's answer, by partner.",
        "gateway_deliveries_total": "Delivery attempts of outbound messages, by partner and outcome (delivered, retry, failed, dead-letter).",
        "gateway_delivery_seconds": "Duration of one delivery attempt (the partner's HTTP exchange), by partner.",
        "gateway_outbox_undelivered": "Outbound messages waiting for delivery or being delivered, all partners.",
        "gateway_outbox_oldest_pending_seconds": "Age of the oldest outbound message waiting for delivery to the partner; 0 when none waits.",
        "gateway_dead_letters": "Outbound messages given up on after the partner's retry policy, waiting for an operator's replay.",
        "gateway_certificate_expiry_seconds": "Seconds until the certificate expires (negative once expired), by owner (partner or gateway), role and subject.",
        "gateway_crl_next_update_seconds": "Seconds until the CRL's issuer promised the next one (negative once overdue: the CRL is stale).",
    ]

    /// The metric's name as swift-metrics labels it, with its help text.
    static func descriptor(_ label: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: label, unitName: "", helpText: help[label] ?? "Reported by a library through swift-metrics as \(label).")
    }

    static let durationBuckets: [Duration] = [.milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                                              .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10)]
    static let valueBuckets: [Double] = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(descriptor: Self.descriptor(label), labels: dimensions)
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        registry.makeCounter(descriptor: Self.descriptor(label), labels: dimensions)
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard aggregate else { return registry.makeGauge(descriptor: Self.descriptor(label), labels: dimensions) }
        return registry.makeValueHistogram(descriptor: Self.descriptor(label), labels: dimensions, buckets: Self.valueBuckets)
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(descriptor: Self.descriptor(label), labels: dimensions)
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        registry.makeDurationHistogram(descriptor: Self.descriptor(label), labels: dimensions, buckets: Self.durationBuckets)
    }

    public func destroyCounter(_ handler: any CounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    public func destroyRecorder(_ handler: any RecorderHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
        if let histogram = handler as? Prometheus.Histogram<Double> { registry.unregisterValueHistogram(histogram) }
    }

    public func destroyMeter(_ handler: any MeterHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }

    public func destroyTimer(_ handler: any TimerHandler) {
        if let histogram = handler as? Prometheus.Histogram<Duration> { registry.unregisterDurationHistogram(histogram) }
    }
}
