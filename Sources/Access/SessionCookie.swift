import Foundation
import GatewayCore

/// A signed-in officer's or operator's session, carried by a cookie the gateway signed: nothing
/// is kept on the server, so any instance sharing the session key accepts it, and removing the
/// credential from the file ends it at the next request.
public struct Session: Sendable, Equatable {
    /// The credential's name.
    public let name: String
    public let expires: Date
    /// The token the session's forms carry back (sign-out), so another site cannot post them.
    public let csrf: String
}

/// Signs and checks session cookies with HMAC-SHA256 under the gateway's session key.
public struct SessionSigner: Sendable {
    public static let cookieName = "swg_session"
    /// An officer's working day.
    public static let lifetime: TimeInterval = 8 * 3600
    private let key: [UInt8]

    public init(key: [UInt8]) {
        self.key = key
    }

    public func newSession(for name: String, at now: Date) -> Session {
        Session(name: name, expires: now.addingTimeInterval(Self.lifetime), csrf: Base64URL.encode(Secret.randomBytes(16)))
    }

    /// `payload.mac`, both base64url; the payload is `name`, expiry (Unix seconds) and the CSRF token.
    public func cookieValue(_ session: Session) -> String {
        let payload = Array("\(session.name)\n\(Int64(session.expires.timeIntervalSince1970))\n\(session.csrf)".utf8)
        return Base64URL.encode(payload) + "." + Base64URL.encode(Secret.hmacSHA256(key: key, payload))
    }

    /// The session of a cookie value this gateway signed and that has not expired; nil otherwise.
    public func session(_ value: Substring, at now: Date) -> Session? {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payload = Base64URL.decode(parts[0]), let mac = Base64URL.decode(parts[1]),
              Secret.equal(Secret.hmacSHA256(key: key, payload), mac) else { return nil }
        let fields = String(decoding: payload, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard fields.count == 3, let expiry = Int64(fields[1]) else { return nil }
        let expires = Date(timeIntervalSince1970: TimeInterval(expiry))
        guard expires > now else { return nil }
        return Session(name: String(fields[0]), expires: expires, csrf: String(fields[2]))
    }
}
