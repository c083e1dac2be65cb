import GatewayCore

/// Why a signed message is not believed. Each reason is its own case so a partner engineer
/// reading the 401 learns which rule failed, and on which certificate or element.
public struct SignatureRefusal: Error, Hashable, Sendable, CustomStringConvertible, GatewayErrorConvertible {
    public enum Reason: String, Sendable, CaseIterable {
        case missingSignature = "NO_SIGNATURE"
        case multipleSignatures = "MULTIPLE_SIGNATURES"
        case misplacedSignature = "SIGNATURE_MISPLACED"
        case malformedSignature = "SIGNATURE_MALFORMED"
        case referenceNotWholeDocument = "REFERENCE_NOT_WHOLE_DOCUMENT"
        case transformNotAllowed = "TRANSFORM_NOT_ALLOWED"
        case algorithmNotAllowed = "ALGORITHM_NOT_ALLOWED"
        case headerNotAccepted = "HEADER_NOT_ACCEPTED"
        case digestMismatch = "DIGEST_MISMATCH"
        case signatureValueInvalid = "SIGNATURE_VALUE_INVALID"
        case certificateMissing = "CERTIFICATE_MISSING"
        case certificateMalformed = "CERTIFICATE_MALFORMED"
        case untrustedSigner = "UNTRUSTED_SIGNER"
        case certificateExpired = "CERTIFICATE_EXPIRED"
        case certificateNotYetValid = "CERTIFICATE_NOT_YET_VALID"
        case certificateRevoked = "CERTIFICATE_REVOKED"
        case revocationStatusUnknown = "REVOCATION_STATUS_UNKNOWN"
        case keyUsageNotAllowed = "KEY_USAGE_NOT_ALLOWED"
        case weakKey = "WEAK_KEY"
        /// A rule added by a caller's own policy (for example "signer must be this partner's").
        case signerNotAccepted = "SIGNER_NOT_ACCEPTED"
    }

    public var reason: Reason
    public var message: String
    /// Where in the message the problem is: an element path for XML, a header member for JWS.
    public var path: String?

    public init(_ reason: Reason, _ message: String, path: String? = nil) {
        self.reason = reason
        self.message = message
        self.path = path
    }

    public var description: String { "\(reason.rawValue): \(message)" }

    /// A signature refusal is final (`401 SIGNATURE_INVALID`), but for a status no revocation source
    /// can give yet (a partner in hard mode): `503 REVOCATION_STATUS_UNKNOWN`, transient, as the
    /// responder is asked in the background and the partner's retry finds its answer.
    public var gatewayError: GatewayError {
        let code: ErrorCode = reason == .revocationStatusUnknown ? .revocationStatusUnknown : .signatureInvalid
        return GatewayError(code, message + (code == .revocationStatusUnknown ? " Send the message again unchanged in a minute." : ""),
                            details: [ErrorDetail(path: path ?? "", message: description)], reason: reason.rawValue)
    }
}
