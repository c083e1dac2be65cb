import Access
import Foundation
import GatewayCore
import Hummingbird
import Store

/// The operators' console, rendered on the server like the tracking page and behind the same
/// sign-in (operators only): partner health, message search, a message with its attempts, its
/// partner's answers and its exact bytes, the dead letters and their replay.
struct ConsolePages {
    let store: GatewayStore
    let health: PartnerHealth
    let admin: AdminRoutes
    let access: AccessControl

    /// The signed-in operator (or officer, where officers may read too), or the page to answer
    /// instead: the sign-in form, or a refusal.
    private func signedIn(_ request: Request, officers: Bool) -> Result<(Caller, Session), ResponseError> {
        guard let (caller, session) = access.sessionCaller(request) else { return .failure(ResponseError(response: SignInRoutes.form(status: .unauthorized))) }
        guard caller.role == .operator || (officers && caller.role == .officer) else {
            return .failure(ResponseError(response: TrackingPage.html(TrackingPage.document("""
                <p class="missing" id="notice">Trang này dành cho quản trị viên · The console is for operators; \(TrackingPage.escape(caller.name)) is an \(caller.role.rawValue).</p>
                <p><a href="/">Tra cứu hồ sơ · Track a case</a></p>
                """), status: .forbidden)))
        }
        return .success((caller, session))
    }

    struct ResponseError: Error { let response: Response }

    func register(on router: some RouterMethods<GatewayRequestContext>) {
        router.get("console") { request, context -> Response in
            await page(request, context) { (caller, session) throws(GatewayError) -> Response in
                let report = try await health.report()
                return ConsoleHTML.page(caller: caller, session: session, title: "Tình trạng đối tác · Partner health",
                                        body: ConsoleHTML.searchForm(MessageQuery()) + ConsoleHTML.health(report))
            }
        }
        router.get("console/messages") { request, context -> Response in
            await page(request, context) { (caller, session) throws(GatewayError) -> Response in
                let query = try MessageQuery(request.uri)
                let page = try await store.search(query.filter, limit: query.limit, after: query.after)
                return ConsoleHTML.page(caller: caller, session: session, title: "Tìm thông điệp · Find messages",
                                        body: ConsoleHTML.searchForm(query) + ConsoleHTML.results(page, query: query, session: session, selectable: false))
            }
        }
        // The message a tracking page's timeline links to: officers read it too, without its
        // bytes and replay, which are the operators'.
        router.get("messages/:id") { request, context -> Response in
            let id = try context.parameters.require("id")
            return await page(request, context, officers: true) { (caller, session) throws(GatewayError) -> Response in
                guard let message = try await store.message(id) else { throw AdminRoutes.noMessage(id) }
                let attempts = try await store.attempts(of: id)
                let answers = try await store.answers(of: id)
                let produced = message.direction == .inbound ? try await store.produced(by: id) : []
                return ConsoleHTML.page(caller: caller, session: session, title: "Thông điệp · Message \(id)",
                                        body: ConsoleHTML.message(message, outbox: try await store.outboxState(of: id), attempts: attempts,
                                                                  answers: answers, produced: produced, session: session,
                                                                  forOperator: caller.role == .operator))
            }
        }
        router.get("console/dead-letters") { request, context -> Response in
            await page(request, context) { (caller, session) throws(GatewayError) -> Response in
                var query = try MessageQuery(request.uri)
                query.filter.status = .dead
                let page = try await store.search(query.filter, limit: query.limit, after: query.after)
                let notice = request.uri.queryParameters.get("replayed").map { "Đã gửi lại · Replayed: \($0)" }
                return ConsoleHTML.page(caller: caller, session: session, title: "Thư chết · Dead letters", notice: notice,
                                        body: ConsoleHTML.deadLetters(page, query: query, partners: health.partners.partners.keys.sorted(), session: session))
            }
        }
        router.post("console/replay") { request, context -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            return await page(request, context) { (caller, session) throws(GatewayError) -> Response in
                let fields = FormBody.fields(body)
                guard Secret.equal(Array((fields.first { $0.0 == "csrf" }?.1 ?? "").utf8), Array(session.csrf.utf8)) else {
                    throw GatewayError(.notAllowed, SignInRoutes.crossSite)
                }
                let ids = fields.filter { $0.0 == "id" }.map(\.1)
                let partner = fields.first { $0.0 == "partner" && !$0.1.isEmpty }?.1
                guard !ids.isEmpty || partner != nil else {
                    throw GatewayError(.malformed, "Chọn thông điệp · Select at least one message, or a partner whose dead letters to replay.")
                }
                let result = try await admin.replay(ids: partner == nil ? ids : nil, partner: partner, context: context)
                var message = "\(result.replayed.count)"
                if !result.refused.isEmpty {
                    message += "; not replayed: " + result.refused.map { "\($0.id) (\($0.error.message))" }.joined(separator: "; ")
                }
                return Response(status: .seeOther, headers: [.location: "/console/dead-letters?replayed=\(FormBody.percentEncoded(message))"])
            }
        }
    }

    /// A console page for the signed-in operator; a failure is shown on the page with its code.
    private func page(_ request: Request, _ context: GatewayRequestContext, officers: Bool = false,
                      _ body: (Caller, Session) async throws(GatewayError) -> Response) async -> Response {
        switch signedIn(request, officers: officers) {
        case .failure(let refusal):
            return refusal.response
        case .success(let (caller, session)):
            do {
                return try await body(caller, session)
            } catch {
                let failure = error.answered { incident, error in context.logger.error("Incident \(incident): \(error)") }
                return ConsoleHTML.page(caller: caller, session: session, title: "Không thực hiện được · Not done",
                                        body: "<p class=\"missing\" id=\"notice\">\(TrackingPage.escape(failure.code.rawValue)): \(TrackingPage.escape(failure.message))</p>",
                                        status: .init(code: failure.code.httpStatus))
            }
        }
    }
}
