import Access
import Foundation
import GatewayCore
import Hub
import Hummingbird
import Store

/// `GET /v1/licences/{number}`, `/v1/applications/{id}`, `/v1/payments/{ref}`,
/// `/v1/certificates/{number}`, `/v1/declarations/{number}`: a case's status and its full
/// timeline, each event with its time, partner, message (and a link to it) and signer.
/// Licence and certificate numbers carry slashes (`00125/2025/GPNK-BCT`): the rest of the path is
/// the number, with or without `%2F`. Officers and operators read every case; a partner
/// credential the cases its partner took part in (`concerns`), any other being "not found" to it.
struct TrackingRoutes {
    let tracking: CaseTracking
    let store: GatewayStore

    struct CaseView: Encodable {
        let kind: String
        let key: String
        /// Absent while the case has no status yet.
        let status: CaseStatus?
        let facts: TrackedFacts
        let related: [String]
        let timeline: [EventView]
    }

    struct EventView: Encodable {
        let at: String
        let event: String
        let status: CaseStatus?
        let partner: String
        let messageId: String?
        let message: String?
        let signer: String?
        let detail: String?
    }

    static let paths: [String: TrackingLookup] = ["licences": .licence, "applications": .application, "payments": .payment,
                                                  "certificates": .certificate, "declarations": .declaration]

    func register(on router: some RouterMethods<GatewayRequestContext>) {
        for (path, kind) in Self.paths {
            router.get("v1/\(path)/**") { request, context -> Response in
                let key = Self.key(request, context, after: "/v1/\(path)/")
                do {
                    guard let found = try await tracking.find(kind, key), try await Self.concerns(found, context.caller, store) else {
                        return JSONAnswer.error(GatewayError(.notFound, "The gateway knows no \(kind.rawValue) \(key)."))
                    }
                    return JSONAnswer.ok(Self.view(found))
                } catch {
                    return JSONAnswer.error(error.asGatewayError, logger: context.logger)
                }
            }
        }
    }

    /// Whether the caller may see the case: officers and operators any, a partner credential those
    /// its partner took part in — an event of the case is its partner's, or a message about the case
    /// or a related one was sent by it or to it.
    static func concerns(_ found: CaseTracking.TrackedCase, _ caller: Caller?, _ store: GatewayStore) async throws(GatewayError) -> Bool {
        guard let caller else { return false }
        guard caller.role == .partner, let partner = caller.partner else { return true }
        if found.events.contains(where: { $0.partner == partner }) { return true }
        let objects = [(found.kind, found.key)] + found.related.map { ($0.kind, $0.key) }
        return try await store.exchanged(partner: partner, about: objects.map { "\($0.0.name)/\($0.1)" })
    }

    /// The number after the route's prefix, percent-decoded, slashes kept.
    static func key(_ request: Request, _ context: GatewayRequestContext, after prefix: String) -> String {
        let path = request.uri.path
        let raw = path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : context.parameters.getCatchAll().joined(separator: "/")
        return raw.removingPercentEncoding ?? raw
    }

    static func view(_ found: CaseTracking.TrackedCase) -> CaseView {
        CaseView(kind: found.kind.name, key: found.key, status: found.status,
                 facts: found.facts,
                 related: found.related.map { "\($0.kind.name)/\($0.key)" },
                 timeline: found.events.map {
                     EventView(at: VietnamTime.timestamp($0.at), event: $0.event, status: $0.status, partner: $0.partner,
                               messageId: $0.messageId, message: $0.messageId.map { "/v1/messages/\($0)" }, signer: $0.signer, detail: $0.detail)
                 })
    }
}
