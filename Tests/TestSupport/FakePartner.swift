import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// A partner's server on 127.0.0.1 for delivery tests: it records what it receives and answers
/// with the statuses it is told to, in turn (the last one repeated), optionally after a delay.
public final class FakePartner: Sendable {
    public struct Received: Sendable {
        public let body: [UInt8]
        public let contentType: String?
    }

    private let answers: Mutex<[Int]>
    private let received = Mutex<[Received]>([])
    let delay: Duration
    private let task = Mutex<Task<Void, any Error>?>(nil)
    public let port: Int

    public var deliveries: [Received] { received.withLock { $0 } }

    private init(answers: [Int], delay: Duration, port: Int) {
        self.answers = Mutex(answers)
        self.delay = delay
        self.port = port
    }

    public static func start(answering answers: [Int], delay: Duration = .zero) async throws -> FakePartner {
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let holder = Mutex<FakePartner?>(nil)
        let router = Router()
        router.post("inbound") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 10 * 1024 * 1024)
            guard let partner = holder.withLock({ $0 }) else { return Response(status: .serviceUnavailable) }
            partner.received.withLock { $0.append(Received(body: Array(buffer: body), contentType: request.headers[.contentType])) }
            if partner.delay > .zero { try await Task.sleep(for: partner.delay) }
            let status = partner.answers.withLock { answers in answers.count > 1 ? answers.removeFirst() : answers.first ?? 202 }
            return Response(status: .init(code: status), headers: [.contentType: "application/json"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: status < 300 ? "{\"status\":\"ok\"}" : "{\"error\":\"TEST\"}")))
        }
        let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                      onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) })
        let task = Task { try await application.run() }
        var port = 0
        for await bound in stream { port = bound; break }
        let partner = FakePartner(answers: answers, delay: delay, port: port)
        holder.withLock { $0 = partner }
        partner.task.withLock { $0 = task }
        return partner
    }

    public var url: String { "http://127.0.0.1:\(port)/inbound" }

    public func stop() {
        task.withLock { $0?.cancel() }
    }
}
