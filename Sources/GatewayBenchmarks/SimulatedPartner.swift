import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// A partner's endpoint on 127.0.0.1 that takes every delivery with `202` and counts it.
final class SimulatedPartner: Sendable {
    private let count = Atomic<Int>(0)
    private let task: Task<Void, any Error>
    let port: Int

    var received: Int { count.load(ordering: .relaxed) }
    var url: String { "http://127.0.0.1:\(port)/inbound" }

    private init(task: Task<Void, any Error>, port: Int) {
        self.task = task
        self.port = port
    }

    static func start() async throws -> SimulatedPartner {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let holder = Mutex<SimulatedPartner?>(nil)
        let router = Router()
        router.post("inbound") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 10 * 1024 * 1024)
            holder.withLock { $0 }?.count.add(1, ordering: .relaxed)
            return Response(status: .accepted)
        }
        let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                      onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
        let task = Task { try await application.run() }
        var port = 0
        for await bound in ports { port = bound; break }
        let partner = SimulatedPartner(task: task, port: port)
        holder.withLock { $0 = partner }
        return partner
    }

    func stop() { task.cancel() }
}
