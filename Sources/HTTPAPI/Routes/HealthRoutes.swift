import Hub
import Hummingbird
import Store

/// `GET /health`: answers while the process can serve requests (liveness: a load balancer or
/// supervisor restarts a process that stops answering). `GET /ready`: answers 200 only while the
/// database answers and the evidence can be completed (readiness: a load balancer sends
/// partners elsewhere meanwhile).
/// A gateway on a simulated clock says so on every answer, so no one mistakes it for production.
struct HealthRoutes {
    /// What an operator must know about this process, such as a simulated clock.
    let warning: String?
    /// The store whose database must answer for the gateway to take messages; nil when it serves no partners.
    let store: GatewayStore?
    /// Closed while the evidence cannot be time-stamped: partners are sent elsewhere meanwhile.
    var evidence: EvidenceHold? = nil

    struct Health: ResponseEncodable {
        let status: String
        let warning: String?
        var reason: String? = nil
    }

    func register(on router: some RouterMethods<GatewayRequestContext>) {
        router.get("health") { _, _ in Health(status: "ok", warning: warning) }
        router.get("ready") { _, _ -> EditedResponse<Health> in
            if let store, await !store.isReachable() {
                return EditedResponse(status: .serviceUnavailable,
                                      response: Health(status: "unavailable", warning: warning, reason: "the database does not answer"))
            }
            if evidence?.holding != nil {
                return EditedResponse(status: .serviceUnavailable,
                                      response: Health(status: "unavailable", warning: warning, reason: "the time-stamping authority does not answer beyond the grace period"))
            }
            return EditedResponse(response: Health(status: "ready", warning: warning))
        }
    }
}
