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
        guard let caller = await Self.caller(request, context, access) else {
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

    /// The bearer token's caller; without a token, the signed-in page user's (the tracking page
    /// links to messages), else the partner whose mutual TLS client certificate the request came over.
    static func caller(_ request: Request, _ context: Context, _ access: AccessControl) async -> Caller? {
        if let header = request.headers[.authorization] {
            guard header.hasPrefix("Bearer ") else { return nil }
            return access.credentials.caller(token: String(header.dropFirst("Bearer ".count)))
        }
        if let signedIn = access.sessionCaller(request) { return signedIn.caller }
        guard let certificate = await context.clientCertificate(), let partner = access.partnerOfCertificate(certificate) else { return nil }
        return Caller(name: "client certificate \(certificate.subject)", role: .partner, partner: partner)
    }

    static func tooMany(_ seconds: Int) -> Response {
        var response = JSONAnswer.error(GatewayError(.tooManyRequests, "Too many requests: try again in \(seconds) s."))
        response.headers[.retryAfter] = String(seconds)
        return response
    }
}
