import Access
import Foundation
import GatewayCore
import Hummingbird
import NIOCore

/// `POST /signin` (name and password from the form) and `POST /signout` of the tracking page.
/// The session is a signed cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's
/// page sends it), Secure over TLS. Both forms are refused from another site's page.
struct SignInRoutes {
    let access: AccessControl

    func register(on router: some RouterMethods<GatewayRequestContext>) {
        router.post("signin") { request, context -> Response in
            guard !AccessControl.isCrossSite(request) else { return Self.form(status: .forbidden, notice: Self.crossSite) }
            if let wait = access.signIns.wait(for: context.clientAddress) {
                var response = Self.form(status: .tooManyRequests, notice: "Quá nhiều lần đăng nhập · Too many sign-ins from this address: try again in \(wait) s.")
                response.headers[.retryAfter] = String(wait)
                return response
            }
            let fields = FormBody.dictionary(try await request.body.collect(upTo: 4096))
            let credentials = access.credentials
            // 600,000 rounds of PBKDF2 take a CPU for a while: not on the server's threads.
            let caller = await Self.offThread { credentials.caller(name: fields["name"] ?? "", password: fields["password"] ?? "") }
            guard let caller else {
                context.logger.notice("Sign-in refused", metadata: ["credential": "\(fields["name"] ?? "")", "client": "\(context.clientAddress)"])
                return Self.form(status: .unauthorized, notice: "Sai tên hoặc mật khẩu · Wrong name or password.")
            }
            context.logger.info("Signed in", metadata: ["credential": "\(caller.name)", "role": "\(caller.role.rawValue)", "client": "\(context.clientAddress)"])
            var response = Response(status: .seeOther, headers: [.location: "/"])
            response.headers[.setCookie] = access.setCookie(access.sessions.newSession(for: caller.name, at: Date()))
            return response
        }
        router.post("signout") { request, _ -> Response in
            let fields = FormBody.dictionary(try await request.body.collect(upTo: 4096))
            guard let (_, session) = access.sessionCaller(request), Secret.equal(Array((fields["csrf"] ?? "").utf8), Array(session.csrf.utf8)) else {
                return Self.form(status: .forbidden, notice: Self.crossSite)
            }
            var response = Response(status: .seeOther, headers: [.location: "/"])
            response.headers[.setCookie] = access.clearCookie
            return response
        }
    }

    static let crossSite = "Biểu mẫu này chỉ gửi từ trang của cổng · This form is accepted only from the gateway's own page."

    static func form(status: HTTPResponse.Status, notice: String? = nil) -> Response {
        TrackingPage.html(TrackingPage.document("""
            <h1>Đăng nhập · Sign in</h1>
            <p>Tra cứu hồ sơ dành cho cán bộ hải quan · Case tracking is for customs officers.</p>
            \(notice.map { "<p class=\"missing\" id=\"notice\">\(TrackingPage.escape($0))</p>" } ?? "")
            <form class="signin" action="/signin" method="post">
            <label for="name">Tên đăng nhập · Name</label>
            <input id="name" name="name" autocomplete="username" required>
            <label for="password">Mật khẩu · Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required>
            <button type="submit">Đăng nhập · Sign in</button>
            </form>
            """), status: status)
    }

    static func offThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }
}
