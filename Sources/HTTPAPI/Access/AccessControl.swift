import Access
import Foundation
import Hummingbird
import Signatures

/// Who may call what: the credentials file, the session key of the tracking page, and the
/// limits on reads (README "Access rights").
public struct AccessControl: Sendable {
    public let credentials: Credentials
    public let sessions: SessionSigner
    /// Session cookies carry `Secure` when the gateway is reached over TLS.
    public let secureCookies: Bool
    /// The partner a mutual TLS client certificate stands for (its partner file's `clientCertificates`).
    let partnerOfCertificate: @Sendable (SignerIdentity) -> String?
    let perCredential: RateLimiter
    let perAddress: RateLimiter
    /// Sign-in attempts per address: a password guessed at most 10 times at once, then one each 5 s.
    let signIns = RateLimiter(rate: 0.2, burst: 10)

    /// `readsPerSecond` per credential and per address on the read routes, with bursts of twice as many.
    public init(credentials: Credentials, sessionKey: [UInt8], readsPerSecond: Double = 20, secureCookies: Bool = false,
                partnerOfCertificate: @escaping @Sendable (SignerIdentity) -> String? = { _ in nil }) {
        self.partnerOfCertificate = partnerOfCertificate
        self.credentials = credentials
        sessions = SessionSigner(key: sessionKey)
        self.secureCookies = secureCookies
        perCredential = RateLimiter(rate: readsPerSecond, burst: readsPerSecond * 2)
        // An address may hold several credentials (a bank's integration host): a wider bucket.
        perAddress = RateLimiter(rate: readsPerSecond * 4, burst: readsPerSecond * 8)
    }
}

extension AccessControl {
    /// The signed-in officer or operator of a page request: a valid session cookie of a credential
    /// still listed, sent by the gateway's own pages (a request another site made the browser send
    /// is treated as signed out, whatever cookie it carries).
    func sessionCaller(_ request: Request, at now: Date = Date()) -> (caller: Caller, session: Session)? {
        guard !Self.isCrossSite(request), let value = Self.cookie(SessionSigner.cookieName, in: request),
              let session = sessions.session(value, at: now),
              let caller = credentials.caller(named: session.name), caller.role != .partner else { return nil }
        return (caller, session)
    }

    /// `Sec-Fetch-Site: cross-site`/`same-site`, or an `Origin` that is not this host's.
    static func isCrossSite(_ request: Request) -> Bool {
        if let site = request.headers[.init("Sec-Fetch-Site")!], site != "same-origin", site != "none" { return true }
        guard let origin = request.headers[.origin] else { return false }
        guard let host = request.head.authority else { return true }
        return origin != "http://\(host)" && origin != "https://\(host)"
    }

    static func cookie(_ name: String, in request: Request) -> Substring? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let trimmed = pair.drop { $0 == " " }
                if trimmed.hasPrefix("\(name)=") { return trimmed.dropFirst(name.count + 1) }
            }
        }
        return nil
    }

    func setCookie(_ session: Session) -> String {
        "\(SessionSigner.cookieName)=\(sessions.cookieValue(session)); Path=/; Max-Age=\(Int(SessionSigner.lifetime)); HttpOnly; SameSite=Strict\(secureCookies ? "; Secure" : "")"
    }

    var clearCookie: String {
        "\(SessionSigner.cookieName)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict\(secureCookies ? "; Secure" : "")"
    }
}
