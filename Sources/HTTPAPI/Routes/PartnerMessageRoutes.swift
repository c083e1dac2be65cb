import GatewayCore
import Hub
import Hummingbird
import NIOCore

/// `POST /v1/partners/{partner}/messages`: one signed message per request, handed to the
/// inbound pipeline; the answer is the pipeline's (world §1.3). An unknown partner, another
/// Content-Type or a declared length over 5 MiB is refused before the body is read; a body over
/// 5 MiB is refused while it arrives, before it is held in memory.
struct PartnerMessageRoutes {
    let pipeline: InboundPipeline
    /// How long a partner waits at most: partners give up after 10–30 s (their READMEs) and retry.
    let timeout: Duration

    func register(on router: some RouterMethods<GatewayRequestContext>) {
        router.post("v1/partners/:partner/messages") { request, context -> Response in
            let partner = try context.parameters.require("partner")
            let contentType = request.headers[.contentType] ?? ""
            let declared = request.headers[.contentLength].flatMap { Int($0) }
            // The TLS handshake's certificate is looked up only for a partner that sends over mutual TLS.
            let certificate = pipeline.partners.partner(partner)?.clientCertificates == nil ? nil : await context.clientCertificate()
            if let refusal = pipeline.refusalBeforeBody(from: partner, contentType: contentType, length: declared, clientCertificate: certificate) {
                return Self.response(refusal)
            }
            // Straight into the array the pipeline reads, with room for the declared length at
            // once: a 5 MB body is copied once, not again at each doubling and once more after.
            var bytes: [UInt8] = []
            bytes.reserveCapacity(min(declared ?? 16_384, InboundPipeline.maximumBytes))
            do {
                for try await chunk in request.body {
                    guard bytes.count + chunk.readableBytes <= InboundPipeline.maximumBytes else {
                        return Self.response(.error(.init(.tooLarge, "The message is larger than \(InboundPipeline.maximumBytes) bytes.")))
                    }
                    chunk.withUnsafeReadableBytes { bytes.append(contentsOf: $0) }
                }
            } catch {
                return Self.response(.error(.init(.malformed, "The message body could not be read to its end.")))
            }
            return Self.response(await RequestDeadline.answer(within: timeout, otherwise: Self.timedOut(timeout)) { [bytes] in
                await pipeline.receive(from: partner, bytes, contentType: contentType)
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
