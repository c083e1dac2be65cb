import GatewayCore
import Hub
import Hummingbird
import NIOCore

/// `POST /v1/partners/{partner}/messages`: one signed message per request, handed to the
/// inbound pipeline; the answer is the pipeline's (world §1.3). Bodies over 5 MiB are refused
/// while they arrive, before they are held in memory.
struct PartnerMessageRoutes {
    let pipeline: InboundPipeline

    func register(on router: Router<BasicRequestContext>) {
        router.post("v1/partners/:partner/messages") { request, context -> Response in
            let partner = try context.parameters.require("partner")
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: InboundPipeline.maximumBytes)
            } catch {
                return Self.response(.error(.init(.tooLarge, "The message is larger than \(InboundPipeline.maximumBytes) bytes.")))
            }
            return Self.response(await pipeline.receive(from: partner, Array(buffer: body)))
        }
    }

    static func response(_ answer: InboundAnswer) -> Response {
        Response(status: HTTPResponse.Status(code: answer.status),
                 headers: [.contentType: answer.contentType],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}
