import Hummingbird
import Logging

/// Where the HTTP server listens.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int

    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}

/// The gateway's HTTP face: routes and middleware, and nothing that decides business outcomes.
public enum GatewayServer {
    public static func router() -> Router<BasicRequestContext> {
        let router = Router()
        HealthRoutes().register(on: router)
        return router
    }

    public static func application(_ configuration: ServerConfiguration, logger: Logger) -> some ApplicationProtocol {
        Application(
            router: router(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "single-window-gateway"),
            logger: logger
        )
    }
}
