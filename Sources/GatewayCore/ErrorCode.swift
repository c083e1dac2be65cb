/// The machine-readable codes of the world's error bodies (`world/README.md` §1.3), each with the
/// HTTP status it is answered with. Business codes of the partner READMEs are added by the flows.
public struct ErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public let httpStatus: Int

    public init(_ rawValue: String, httpStatus: Int) {
        self.rawValue = rawValue
        self.httpStatus = httpStatus
    }

    /// Business codes of partner READMEs are all answered with 409.
    public init(rawValue: String) {
        self.init(rawValue, httpStatus: ErrorCode.known[rawValue] ?? 409)
    }

    public var description: String { rawValue }

    public static let malformed = ErrorCode("MALFORMED", httpStatus: 400)
    public static let schemaInvalid = ErrorCode("SCHEMA_INVALID", httpStatus: 400)
    public static let signatureInvalid = ErrorCode("SIGNATURE_INVALID", httpStatus: 401)
    public static let notAllowed = ErrorCode("NOT_ALLOWED", httpStatus: 403)
    public static let messageIdConflict = ErrorCode("MESSAGE_ID_CONFLICT", httpStatus: 409)
    /// A route other than the partner inbox called without a credential it knows.
    public static let unauthenticated = ErrorCode("UNAUTHENTICATED", httpStatus: 401)
    /// A read route called faster than its limit; `Retry-After` says when to try again.
    public static let tooManyRequests = ErrorCode("TOO_MANY_REQUESTS", httpStatus: 429)
    /// The request's Content-Type is not the partner's format.
    public static let unsupportedMediaType = ErrorCode("UNSUPPORTED_MEDIA_TYPE", httpStatus: 415)
    public static let tooLarge = ErrorCode("TOO_LARGE", httpStatus: 413)
    /// A problem of the gateway's own set-up (a key, a certificate, a trust directory), not of a message.
    public static let configurationInvalid = ErrorCode("CONFIGURATION_INVALID", httpStatus: 500)
    public static let internalError = ErrorCode("INTERNAL_ERROR", httpStatus: 500)
    /// The database does not answer (restarting, failing over, unreachable): nothing was stored,
    /// the sender sends the message again unchanged.
    public static let storeUnavailable = ErrorCode("STORE_UNAVAILABLE", httpStatus: 503)
    /// A delivery worker's claim on a message ran out and another worker holds it now: the first
    /// worker's attempt is not recorded (the successor's counts).
    public static let claimLost = ErrorCode("CLAIM_LOST", httpStatus: 409)
    /// A partner whose revocation mode is hard sent a message whose signer's status no source can
    /// give now (its OCSP responder not yet asked, or down): transient, the partner sends it again.
    public static let revocationStatusUnknown = ErrorCode("REVOCATION_STATUS_UNKNOWN", httpStatus: 503)
    /// The time-stamping authority has not answered for longer than the grace period: the
    /// gateway takes no new message whose evidence it could not complete; sent again later, it is.
    public static let timeStampUnavailable = ErrorCode("TIMESTAMP_UNAVAILABLE", httpStatus: 503)
    /// A reload whose new configuration does not load: nothing changed, the old one stays.
    public static let configurationRefused = ErrorCode("CONFIGURATION_REFUSED", httpStatus: 422)
    /// A search or list of the gateway's own routes asked with a parameter it cannot read.
    public static let invalidQuery = ErrorCode("INVALID_QUERY", httpStatus: 400)
    /// Nothing of that name is stored, or the caller may not read it.
    public static let notFound = ErrorCode("NOT_FOUND", httpStatus: 404)

    private static let known: [String: Int] = Dictionary(
        uniqueKeysWithValues: [malformed, schemaInvalid, signatureInvalid, notAllowed, messageIdConflict, tooLarge,
                               configurationInvalid, internalError, unauthenticated, tooManyRequests, unsupportedMediaType, invalidQuery, notFound, revocationStatusUnknown, configurationRefused,
                               timeStampUnavailable].map { ($0.rawValue, $0.httpStatus) }
    )
}
