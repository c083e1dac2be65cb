import Hummingbird

/// `GET /health`: answers while the process can serve requests, for load balancers and operators.
struct HealthRoutes {
    struct Health: ResponseEncodable {
        let status: String
    }

    func register(on router: Router<BasicRequestContext>) {
        router.get("health") { _, _ in Health(status: "ok") }
    }
}
