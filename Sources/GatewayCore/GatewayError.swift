/// One problem with its place: a path in the document (XPath-like for XML, JSON Pointer for JSON)
/// or a field, and what is wrong there.
public struct ErrorDetail: Hashable, Sendable, Codable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// The gateway's error: a code that decides the HTTP answer, a message a person can act on and,
/// where it helps, every detail with its path. Rendered as the world's error body in one place.
public struct GatewayError: Error, Hashable, Sendable, CustomStringConvertible {
    public var code: ErrorCode
    public var message: String
    public var details: [ErrorDetail]
    /// A finer reason within the code, such as `CERTIFICATE_EXPIRED` within `SIGNATURE_INVALID`.
    public var reason: String?

    public init(_ code: ErrorCode, _ message: String, details: [ErrorDetail] = [], reason: String? = nil) {
        self.code = code
        self.message = message
        self.details = details
        self.reason = reason
    }

    public init(_ code: ErrorCode, _ message: String, path: String) {
        self.init(code, message, details: [ErrorDetail(path: path, message: message)])
    }

    public var httpStatus: Int { code.httpStatus }

    public var description: String { reason.map { "\(code) (\($0)): \(message)" } ?? "\(code): \(message)" }

    /// `{"error": CODE, "message": …, "details": [{"path": …, "message": …}]}` (world §1.3).
    public var body: ErrorBody { ErrorBody(error: code.rawValue, message: message, details: details) }
}

public struct ErrorBody: Codable, Hashable, Sendable {
    public var error: String
    public var message: String
    public var details: [ErrorDetail]
}
