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

extension GatewayError {
    /// What a client may read of this error. A 500's message is the gateway's own business (SQL,
    /// file paths, library errors): the client gets an incident number instead, and `log` gets
    /// the whole error under that number for the operators.
    public func answered(log: (_ incident: String, _ error: GatewayError) -> Void) -> GatewayError {
        guard code.httpStatus == 500 else { return self }
        let incident = "INC-" + String(UInt64.random(in: 0...UInt64.max), radix: 16, uppercase: true)
        log(incident, self)
        return GatewayError(code, "The gateway could not handle this request (incident \(incident)). Nothing was stored: send it again later; if it keeps failing, quote the incident to the gateway's operators.")
    }
}
