import Access
import GatewayCore
import Hummingbird

/// Middleware of a route group: the request must carry a bearer token of one of `roles`
/// (`Authorization: Bearer swg_…`) or come from a signed-in page. On read routes the caller's and the address's rates are
/// limited too; the address's before the token is checked, so guessing tokens is limited as well.
struct RoleGate: RouterMiddleware {
    typealias Context = GatewayRequestContext
    let access: AccessControl
    let roles: Set<Role>
    let limited: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if limited, let wait = access.perAddress.wait(for: context.clientAddress) {
            return Self.tooMany(wait)
        }
        guard let caller = Self.caller(request, access) else {
            var response = JSONAnswer.error(GatewayError(.unauthenticated, request.headers[.authorization] == nil
                ? "This route needs a credential: Authorization: Bearer followed by an API token (README \"Access rights\")."
                : "The API token is not one the gateway knows (Authorization: Bearer …)."))
            response.headers[.wwwAuthenticate] = "Bearer realm=\"single-window-gateway\""
            return response
        }
        guard roles.contains(caller.role) else {
            return JSONAnswer.error(GatewayError(.notAllowed, "\(caller.name) is a \(caller.role.rawValue) credential; this route is for \(roles.map(\.rawValue).sorted().joined(separator: " or ")) credentials."))
        }
        if limited, let wait = access.perCredential.wait(for: caller.name) {
            return Self.tooMany(wait)
        }
        var context = context
        context.caller = caller
        return try await next(request, context)
    }

    /// The bearer token's caller, or, without a token, the signed-in page user's (the tracking
    /// page links to messages).
    static func caller(_ request: Request, _ access: AccessControl) -> Caller? {
        guard let header = request.headers[.authorization] else { return access.sessionCaller(request)?.caller }
        guard header.hasPrefix("Bearer ") else { return nil }
        return access.credentials.caller(token: String(header.dropFirst("Bearer ".count)))
    }

    static func tooMany(_ seconds: Int) -> Response {
        var response = JSONAnswer.error(GatewayError(.tooManyRequests, "Too many requests: try again in \(seconds) s."))
        response.headers[.retryAfter] = String(seconds)
        return response
    }
}
