import GatewayCore

/// The payload of a JWS compact serialization, read WITHOUT checking the signature: for schema
/// validation of a message whose signature is checked elsewhere (or not at all). Never believe it.
public enum UnverifiedPayload {
    public static func of(_ compact: String) throws(GatewayError) -> [UInt8] {
        let parts = compact.trimmingASCIIWhitespace().splitOnDots()
        guard parts.count == 3, let payload = Base64URL.decode(parts[1]), !payload.isEmpty else {
            throw GatewayError(.malformed, "The message is not a JWS compact serialization with a payload.")
        }
        return payload
    }
}
