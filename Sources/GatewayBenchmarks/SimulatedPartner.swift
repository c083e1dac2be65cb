import Foundation
import Hummingbird
import LoopbackServer
import NIOCore
import Synchronization

/// A partner's endpoint on 127.0.0.1 that takes every delivery with `202` and counts it.
final class SimulatedPartner: Sendable {
    private let count = Atomic<Int>(0)
    private let server: LoopbackServer

    var received: Int { count.load(ordering: .relaxed) }
    var port: Int { server.port }
    var url: String { "http://127.0.0.1:\(port)/inbound" }

    private init(server: LoopbackServer) {
        self.server = server
    }

    static func start() async throws -> SimulatedPartner {
        let holder = Mutex<SimulatedPartner?>(nil)
        let router = Router()
        router.post("inbound") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 10 * 1024 * 1024)
            holder.withLock { $0 }?.count.add(1, ordering: .relaxed)
            return Response(status: .accepted)
        }
        let partner = SimulatedPartner(server: try await LoopbackServer.start(router))
        holder.withLock { $0 = partner }
        return partner
    }

    func stop() { server.stop() }
}
