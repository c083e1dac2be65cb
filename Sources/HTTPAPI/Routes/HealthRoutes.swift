import Hummingbird

/// `GET /health`: answers while the process can serve requests, for load balancers and operators.
/// A gateway on a simulated clock says so on every answer, so no one mistakes it for production.
struct HealthRoutes {
    /// What an operator must know about this process, such as a simulated clock.
    let warning: String?

    struct Health: ResponseEncodable {
        let status: String
        let warning: String?
    }

    func register(on router: Router<BasicRequestContext>) {
        router.get("health") { _, _ in Health(status: "ok", warning: warning) }
    }
}
