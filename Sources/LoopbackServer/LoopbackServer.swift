import Hummingbird
import Logging
import ServiceLifecycle

/// A Hummingbird application on 127.0.0.1 for a test or a benchmark (a simulated partner, a CRL
/// distribution point), stopped gracefully. Cancelling its task instead drops a connection
/// accepted in that instant without closing it, and NIO traps on that ("Deinited NIOAsyncWriter
/// without calling finish()", apple/swift-nio#2637): a delivery retried at the moment a test
/// stopped its partner crashed the whole test run.
public final class LoopbackServer: Sendable {
    public let port: Int
    private let group: ServiceGroup
    private let running: Task<Void, Never>

    private init(port: Int, group: ServiceGroup, running: Task<Void, Never>) {
        self.port = port
        self.group = group
        self.running = running
    }

    /// `port`: a fixed one, to come back where a stopped server was; a free one otherwise.
    /// `logger`: Hummingbird's own when nil.
    public static func start(_ router: Router<BasicRequestContext>, port fixed: Int? = nil, logger: Logger? = nil) async throws -> LoopbackServer {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: fixed ?? 0)),
                                      onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [application], gracefulShutdownSignals: [], cancellationSignals: [],
                                                      logger: logger ?? application.logger))
        let running = Task {
            try? await group.run()
            continuation.finish()
        }
        var bound: Int?
        for await port in ports {
            bound = port
            break
        }
        guard let bound, bound > 0 else { throw LoopbackServerError(port: fixed) }
        return LoopbackServer(port: bound, group: group, running: running)
    }

    /// Stops taking connections at once; the requests under way are answered first.
    public func stop() {
        let group = group
        Task { await group.triggerGracefulShutdown() }
    }

    /// Stops as `stop` does, and returns once the last request was answered.
    public func shutDown() async {
        await group.triggerGracefulShutdown()
        await running.value
    }
}

public struct LoopbackServerError: Error, CustomStringConvertible {
    let port: Int?
    public var description: String { "The loopback server could not listen on 127.0.0.1:\(port.map(String.init) ?? "a free port")." }
}
