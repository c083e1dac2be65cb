import Foundation
import Hummingbird
import LoopbackServer
import NIOCore
import Synchronization

/// A partner's server on 127.0.0.1 for delivery tests: it records what it receives and answers
/// with the statuses it is told to, in turn (the last one repeated), optionally after a delay —
/// or with what a responder makes of each request (an ASEAN NSW's signed ACK).
public final class FakePartner: Sendable {
    public struct Received: Sendable {
        public let body: [UInt8]
        public let contentType: String?
    }

    /// An answer: HTTP status, content type, body.
    public typealias Answer = (status: Int, contentType: String, body: [UInt8])
    public typealias Responder = @Sendable (Received) -> Answer

    private let responder: Responder
    private let received = Mutex<[Received]>([])
    let delay: Duration
    private let server: LoopbackServer
    public var port: Int { server.port }

    public var deliveries: [Received] { received.withLock { $0 } }

    private init(responder: @escaping Responder, delay: Duration, server: LoopbackServer) {
        self.responder = responder
        self.delay = delay
        self.server = server
    }

    public static func start(answering answers: [Int], delay: Duration = .zero) async throws -> FakePartner {
        let queue = Mutex(answers)
        return try await start(delay: delay) { _ in
            let status = queue.withLock { answers in answers.count > 1 ? answers.removeFirst() : answers.first ?? 202 }
            return (status, "application/json", Array((status < 300 ? "{\"status\":\"ok\"}" : "{\"error\":\"TEST\"}").utf8))
        }
    }

    /// `port`: a fixed one, to come back where a stopped partner was; a free one otherwise.
    public static func start(delay: Duration = .zero, port fixed: Int? = nil, responding responder: @escaping Responder) async throws -> FakePartner {
        let holder = Mutex<FakePartner?>(nil)
        let router = Router()
        router.post("inbound") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 10 * 1024 * 1024)
            guard let partner = holder.withLock({ $0 }) else { return Response(status: .serviceUnavailable) }
            let received = Received(body: Array(buffer: body), contentType: request.headers[.contentType])
            partner.received.withLock { $0.append(received) }
            if partner.delay > .zero { try await Task.sleep(for: partner.delay) }
            let answer = partner.responder(received)
            return Response(status: .init(code: answer.status), headers: [.contentType: answer.contentType],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
        }
        let server = try await LoopbackServer.start(router, port: fixed)
        let partner = FakePartner(responder: responder, delay: delay, server: server)
        holder.withLock { $0 = partner }
        return partner
    }

    public var url: String { "http://127.0.0.1:\(port)/inbound" }

    public func stop() {
        server.stop()
    }
}
