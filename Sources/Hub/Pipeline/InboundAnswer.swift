import Foundation
import GatewayCore

/// The HTTP answer to a partner's POST: status, content type and body (world §1.3).
public struct InboundAnswer: Sendable, Equatable {
    public let status: Int
    public let contentType: String
    public let body: [UInt8]

    public init(status: Int, contentType: String, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    /// `{"error": CODE, "message": …, "details": [{"path": …, "message": …}]}` with the code's status.
    public static func error(_ error: GatewayError) -> InboundAnswer {
        struct Body: Encodable {
            struct Detail: Encodable { let path: String; let message: String }
            let error: String
            let message: String
            let details: [Detail]
        }
        let body = Body(error: error.code.rawValue, message: error.message,
                        details: error.details.map { Body.Detail(path: $0.path, message: $0.message) })
        let bytes = JSONBody.encode(body) ?? Array("{\"error\":\"\(error.code.rawValue)\"}".utf8)
        return InboundAnswer(status: error.code.httpStatus, contentType: "application/json", body: bytes)
    }
}

/// The JSON the gateway answers with: keys sorted, slashes as they are (licence numbers such as
/// `00125/2025/GPNK-BCT` stay readable).
public enum JSONBody {
    public static func encode(_ value: some Encodable) -> [UInt8]? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { Array($0) }
    }
}
