import Hummingbird
import Logging
import ServiceLifecycle

/// A Hummingbird application on 127.0.0.1 for a test or a benchmark (a simulated partner, a CRL
/// distribution point), stopped gracefully. Cancelling its task instead drops a connection
/// accepted in that instant without closing it, and NIO traps on that ("Deinited NIOAsyncWriter
/// without calling finish()", apple/swift-nio#2637): a connection that came just as a test
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
        let (events, continuation) = AsyncStream<Result<Int, any Error>>.makeStream()
        let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: fixed ?? 0)),
                                      onServerRunning: { continuation.yield(.success($0.localAddress?.port ?? 0)) }, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [application], gracefulShutdownSignals: [], cancellationSignals: [],
                                                      logger: logger ?? application.logger))
        let running = Task {
            do {
                try await group.run()
            } catch {
                continuation.yield(.failure(error))
            }
            continuation.finish()
        }
        for await event in events {
            return LoopbackServer(port: try event.get(), group: group, running: running)
        }
        throw LoopbackServerError(port: fixed)
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
    public var description: String { "The loopback server stopped before it listened on 127.0.0.1:\(port.map(String.init) ?? "a free port")." }
}
