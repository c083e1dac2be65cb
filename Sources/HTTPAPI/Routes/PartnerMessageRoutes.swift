import GatewayCore
import Hub
import Hummingbird
import NIOCore

/// `POST /v1/partners/{partner}/messages`: one signed message per request, handed to the
/// inbound pipeline; the answer is the pipeline's (world §1.3). Bodies over 5 MiB are refused
/// while they arrive, before they are held in memory.
struct PartnerMessageRoutes {
    let pipeline: InboundPipeline
    /// How long a partner waits at most: partners give up after 10–30 s (their READMEs) and retry.
    let timeout: Duration

    func register(on router: some RouterMethods<GatewayRequestContext>) {
        router.post("v1/partners/:partner/messages") { request, context -> Response in
            let partner = try context.parameters.require("partner")
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: InboundPipeline.maximumBytes)
            } catch {
                return Self.response(.error(.init(.tooLarge, "The message is larger than \(InboundPipeline.maximumBytes) bytes.")))
            }
            let bytes = Array(buffer: body)
            return Self.response(await RequestDeadline.answer(within: timeout, otherwise: Self.timedOut(timeout)) {
                await pipeline.receive(from: partner, bytes, contentType: request.headers[.contentType] ?? "")
            })
        }
    }

    /// A transient answer: the partner retries with the same bytes, and gets the first receipt
    /// (200) if the message was stored after all.
    static func timedOut(_ timeout: Duration) -> InboundAnswer {
        .error(GatewayError(ErrorCode("TIMEOUT", httpStatus: 503),
                            "The message could not be processed within \(timeout); send it again unchanged."))
    }

    static func response(_ answer: InboundAnswer) -> Response {
        Response(status: HTTPResponse.Status(code: answer.status),
                 headers: [.contentType: answer.contentType],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}
