import Foundation
import GatewayCore
import Hummingbird
import Store

/// Operators' routes. `POST /v1/admin/dead-letters/{id}/replay`: puts a dead letter back in the
/// outbox, to be sent again with the identical bytes.
struct AdminRoutes {
    let store: GatewayStore
    let onReplay: (@Sendable () -> Void)?

    func register(on router: some RouterMethods<GatewayRequestContext>) {
        router.post("v1/admin/dead-letters/:id/replay") { _, context -> Response in
            let id = try context.parameters.require("id")
            do {
                try await store.replay(id, at: Date())
                context.logger.info("Dead letter replayed", metadata: ["message.id": "\(id)", "credential": "\(context.caller?.name ?? "")"])
                onReplay?()
                return JSONAnswer.ok(["id": id, "status": "pending"], status: .accepted)
            } catch {
                return JSONAnswer.error(error.asGatewayError, logger: context.logger)
            }
        }
    }
}
