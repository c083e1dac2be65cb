import Hummingbird
import Store

/// `GET /health`: answers while the process can serve requests (liveness: a load balancer or
/// supervisor restarts a process that stops answering). `GET /ready`: answers 200 only while the
/// database answers too (readiness: a load balancer sends partners elsewhere meanwhile).
/// A gateway on a simulated clock says so on every answer, so no one mistakes it for production.
struct HealthRoutes {
    /// What an operator must know about this process, such as a simulated clock.
    let warning: String?
    /// The store whose database must answer for the gateway to take messages; nil when it serves no partners.
    let store: GatewayStore?

    struct Health: ResponseEncodable {
        let status: String
        let warning: String?
        var reason: String? = nil
    }

    func register(on router: some RouterMethods<GatewayRequestContext>) {
        router.get("health") { _, _ in Health(status: "ok", warning: warning) }
        router.get("ready") { _, _ -> EditedResponse<Health> in
            guard let store, await !store.isReachable() else { return EditedResponse(response: Health(status: "ready", warning: warning)) }
            return EditedResponse(status: .serviceUnavailable,
                                  response: Health(status: "unavailable", warning: warning, reason: "the database does not answer"))
        }
    }
}
