import GatewayCore
import Hub
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import Prometheus

/// Where the HTTP server listens.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// A connection that sends nothing for this long is closed: a slow or half-open client
    /// cannot hold a connection (and its descriptor) for good.
    public var idleTimeout: Duration
    /// Client connections open at once at most; see `ConnectionCap`.
    public var maxConnections: Int
    /// TLS on the listener; nil serves plain HTTP (on loopback, or behind a TLS proxy).
    public var tls: InboundTLS?

    public init(host: String = "127.0.0.1", port: Int = 8080, idleTimeout: Duration = .seconds(30), maxConnections: Int = 4096,
                tls: InboundTLS? = nil) {
        self.host = host
        self.port = port
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.tls = tls
    }
}

/// The gateway's HTTP face: routes and middleware, and nothing that decides business outcomes.
public enum GatewayServer {
    /// The routes. Without a pipeline (tools, tests of the HTTP layer alone) only `/health` and
    /// `/ready`; without `access` (no credentials) nothing but those and the partner inbox.
    /// `warning` is shown on `GET /health` (a simulated clock).
    public static func router(pipeline: InboundPipeline? = nil, access: AccessControl? = nil, requestTimeout: Duration = .seconds(9),
                              metrics: PrometheusCollectorRegistry? = nil, certificates: CertificateInventory? = nil,
                              openAPI: [UInt8]? = nil, onReload: (@Sendable () throws(GatewayError) -> Int)? = nil,
                              onReplay: (@Sendable () -> Void)? = nil, warning: String? = nil) -> Router<GatewayRequestContext> {
        let router = Router(context: GatewayRequestContext.self)
        HealthRoutes(warning: warning, store: pipeline?.store, evidence: pipeline?.evidence).register(on: router)
        if let openAPI { OpenAPIRoute(document: openAPI).register(on: router) }
        guard let pipeline else { return router }
        PartnerMessageRoutes(pipeline: pipeline, timeout: requestTimeout).register(on: router)
        guard let access else { return router }
        let tracking = CaseTracking(runtime: pipeline.runtime)
        let readers = router.group().add(middleware: RoleGate(access: access, roles: [.partner, .officer, .operator], limited: true))
        MessageRoutes(store: pipeline.store).register(on: readers)
        TrackingRoutes(tracking: tracking, store: pipeline.store).register(on: readers)
        let operators = router.group().add(middleware: RoleGate(access: access, roles: [.operator], limited: false))
        let health = PartnerHealth(store: pipeline.store, runtime: pipeline.runtime, certificates: certificates)
        let admin = AdminRoutes(store: pipeline.store, health: health, onReload: onReload, onReplay: onReplay)
        admin.register(on: operators)
        if let metrics {
            MetricsRoutes(registry: metrics, store: pipeline.store, runtime: pipeline.runtime, certificates: certificates).register(on: operators)
        }
        TrackingPage(tracking: tracking, access: access).register(on: router)
        SignInRoutes(access: access).register(on: router)
        ConsolePages(store: pipeline.store, health: health, admin: admin, access: access).register(on: router)
        return router
    }

    public static func application(_ configuration: ServerConfiguration, pipeline: InboundPipeline?, access: AccessControl?,
                                   metrics: PrometheusCollectorRegistry? = nil, certificates: CertificateInventory? = nil,
                                   openAPI: [UInt8]? = nil, onReload: (@Sendable () throws(GatewayError) -> Int)? = nil,
                                   onReplay: (@Sendable () -> Void)? = nil, warning: String? = nil,
                                   logger: Logger) throws -> some ApplicationProtocol {
        let http1 = HTTPServerBuilder.http1(configuration: .init(additionalChannelHandlers: [ContinueBeforeBody()],
                                                                 idleTimeout: .milliseconds(Int64(configuration.idleTimeout / .milliseconds(1)))))
        return Application(
            router: router(pipeline: pipeline, access: access, metrics: metrics, certificates: certificates, openAPI: openAPI,
                           onReload: onReload, onReplay: onReplay, warning: warning),
            server: try configuration.tls.map { try .tls(http1, tlsConfiguration: $0.configuration) } ?? http1,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "single-window-gateway",
                                 availableConnectionsDelegate: ConnectionCap(limit: configuration.maxConnections, logger: logger)),
            logger: logger
        )
    }
}
