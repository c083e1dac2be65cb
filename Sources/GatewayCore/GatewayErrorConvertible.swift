/// An error that knows how the gateway answers it, like Hummingbird's `HTTPResponseError`:
/// every layer may keep its own precise error type and still be answered in one place.
public protocol GatewayErrorConvertible: Error {
    var gatewayError: GatewayError { get }
}

extension GatewayError: GatewayErrorConvertible {
    public var gatewayError: GatewayError { self }
}

extension Error {
    /// The gateway's answer to any error: its own when it has one, otherwise an internal error.
    public var asGatewayError: GatewayError {
        (self as? GatewayErrorConvertible)?.gatewayError
            ?? GatewayError(.internalError, "Unexpected error: \(String(describing: self))")
    }
}
