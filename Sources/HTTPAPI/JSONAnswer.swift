import GatewayCore
import Hub
import Hummingbird
import Logging
import NIOCore

/// The gateway's own JSON answers (tracking, messages, admin): a value, or an error rendered as
/// the world's error body.
enum JSONAnswer {
    static func ok(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let bytes = JSONBody.encode(value) ?? []
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func error(_ error: GatewayError) -> Response {
        PartnerMessageRoutes.response(.error(error))
    }

    /// An error that may be a 500: its text goes to the log under an incident number, not to the client.
    static func error(_ error: GatewayError, logger: Logger) -> Response {
        self.error(error.answered { incident, error in logger.error("Incident \(incident): \(error)") })
    }
}
