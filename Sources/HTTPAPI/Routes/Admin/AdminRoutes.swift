import Foundation
import GatewayCore
import Hub
import Hummingbird
import Store

/// Operators' JSON routes (the console shows the same): message search, a message's exact bytes
/// and its partner's answers, the dead letters and their replay (one, a selection, or all of a
/// partner's), and each partner's delivery health with the certificates it depends on.
struct AdminRoutes {
    let store: GatewayStore
    let health: PartnerHealth
    /// Reloads the partner files; how many partners are in force after.
    let onReload: (@Sendable () throws(GatewayError) -> Int)?
    let onReplay: (@Sendable () -> Void)?

    struct SummaryView: Encodable {
        let id: String
        let direction: String
        let partner: String
        let messageType: String
        let idempotencyKey: String
        let businessObject: String?
        let status: MessageStatus
        let size: Int
        let createdAt: String
        let attempts: Int?
        let lastError: String?
        let nextAttemptAt: String?

        init(_ summary: MessageSummary) {
            id = summary.id
            direction = summary.direction.rawValue
            partner = summary.partner
            messageType = summary.messageType
            idempotencyKey = summary.idempotencyKey
            businessObject = summary.businessKey
            status = summary.status
            size = summary.size
            createdAt = VietnamTime.timestamp(summary.createdAt)
            attempts = summary.attempts
            lastError = summary.lastError
            nextAttemptAt = summary.nextAttemptAt.map(VietnamTime.timestamp)
        }
    }

    struct PageView: Encodable {
        let messages: [SummaryView]
        /// The `after` of the next page; absent on the last.
        let next: String?
    }

    struct ReloadView: Encodable {
        let status: String
        let partners: Int
        let at: String
    }

    struct ReplayRequest: Decodable {
        let ids: [String]?
        let partner: String?
    }

    struct ReplayView: Encodable {
        let replayed: [String]
        let refused: [Refusal]

        struct Refusal: Encodable {
            let id: String
            let code: String
            let message: String
        }

        init(_ result: ReplayResult) {
            replayed = result.replayed
            refused = result.refused.map { Refusal(id: $0.id, code: $0.error.code.rawValue, message: $0.error.message) }
        }
    }

    func register(on router: some RouterMethods<GatewayRequestContext>) {
        router.get("v1/admin/messages") { request, context -> Response in
            await answer(context) { () throws(GatewayError) in
                let query = try MessageQuery(request.uri)
                return JSONAnswer.ok(try await page(query))
            }
        }
        router.get("v1/admin/messages/:id/body") { _, context -> Response in
            let id = try context.parameters.require("id")
            return await answer(context) { () throws(GatewayError) in
                guard let message = try await store.message(id) else { throw Self.noMessage(id) }
                return Self.download(message.body, contentType: message.contentType, name: "\(id).\(Self.suffix(message.contentType))")
            }
        }
        router.get("v1/admin/messages/:id/answers/:attempt") { _, context -> Response in
            let id = try context.parameters.require("id")
            let text = try context.parameters.require("attempt")
            return await answer(context) { () throws(GatewayError) in
                guard let attempt = Int(text), attempt > 0 else {
                    throw GatewayError(.invalidQuery, "The attempt is a number from 1, not \(text).", path: "attempt")
                }
                guard let answer = try await store.answers(of: id).first(where: { $0.attempt == attempt }), let bytes = answer.response else {
                    throw GatewayError(.notFound, "Attempt \(attempt) of \(id) was not answered with a body (or there is no such attempt).")
                }
                return Self.download(bytes, contentType: "application/octet-stream", name: "\(id)-answer-\(attempt)")
            }
        }
        router.get("v1/admin/dead-letters") { request, context -> Response in
            await answer(context) { () throws(GatewayError) in
                var query = try MessageQuery(request.uri)
                query.filter.status = .dead
                return JSONAnswer.ok(try await page(query))
            }
        }
        router.post("v1/admin/dead-letters/replay") { request, context -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            return await answer(context) { () throws(GatewayError) in
                guard let asked = try? JSONDecoder().decode(ReplayRequest.self, from: Data(buffer: body)),
                      (asked.ids == nil) != (asked.partner == nil) else {
                    throw GatewayError(.malformed, "The body is {\"ids\": [message ids]} or {\"partner\": partner id}: one of the two.")
                }
                let result = try await replay(ids: asked.ids, partner: asked.partner, context: context)
                return JSONAnswer.ok(ReplayView(result))
            }
        }
        router.post("v1/admin/dead-letters/:id/replay") { _, context -> Response in
            let id = try context.parameters.require("id")
            return await answer(context) { () throws(GatewayError) in
                let result = try await replay(ids: [id], partner: nil, context: context)
                if let refused = result.refused.first { throw refused.error }
                return JSONAnswer.ok(["id": id, "status": "pending"], status: .accepted)
            }
        }
        router.post("v1/admin/reload") { _, context -> Response in
            await answer(context) { () throws(GatewayError) in
                guard let onReload else { throw GatewayError(.notFound, "This gateway has no partner files to reload.") }
                // Reading the files and opening the keys is work for a thread, not for the event loop.
                let loaded = await SignInRoutes.offThread { () -> Result<Int, GatewayError> in
                    do throws(GatewayError) { return .success(try onReload()) } catch { return .failure(error) }
                }
                do throws(GatewayError) {
                    let count = try loaded.get()
                    context.logger.notice("Partner files reloaded", metadata: ["credential": "\(context.caller?.name ?? "")", "partners": "\(count)"])
                    return JSONAnswer.ok(ReloadView(status: "reloaded", partners: count, at: VietnamTime.timestamp(health.clock.now())))
                } catch {
                    throw GatewayError(.configurationRefused, "The partner files were not reloaded; the ones in force stay. \(error.message)",
                                       details: error.details)
                }
            }
        }
        router.get("v1/admin/partners") { _, context -> Response in
            await answer(context) { () throws(GatewayError) in JSONAnswer.ok(try await health.report()) }
        }
    }

    func page(_ query: MessageQuery) async throws(GatewayError) -> PageView {
        let page = try await store.search(query.filter, limit: query.limit, after: query.after)
        return PageView(messages: page.messages.map(SummaryView.init), next: page.next)
    }

    /// Replays the listed ids, or every dead letter of `partner`; logs each and wakes delivery.
    func replay(ids: [String]?, partner: String?, context: GatewayRequestContext) async throws(GatewayError) -> ReplayResult {
        let now = Date()
        var result = ReplayResult()
        if let partner {
            guard health.partners.partner(partner) != nil else { throw GatewayError(.notFound, "There is no partner \(partner).", path: "partner") }
            result.replayed = try await store.replayDeadLetters(of: partner, at: now)
        } else {
            result = await store.replay(ids ?? [], at: now)
        }
        for id in result.replayed {
            context.logger.info("Dead letter replayed", metadata: ["message.id": "\(id)", "credential": "\(context.caller?.name ?? "")"])
        }
        if !result.replayed.isEmpty { onReplay?() }
        return result
    }

    func answer(_ context: GatewayRequestContext, _ body: () async throws(GatewayError) -> Response) async -> Response {
        do {
            return try await body()
        } catch {
            return JSONAnswer.error(error, logger: context.logger)
        }
    }

    static func noMessage(_ id: String) -> GatewayError {
        GatewayError(.notFound, "No message \(id) is stored.")
    }

    static func suffix(_ contentType: String) -> String {
        contentType.contains("json") ? "json" : contentType.contains("xml") ? "xml" : "bin"
    }

    /// The exact stored bytes, as a file to keep (evidence for a dispute, a partner's question).
    static func download(_ bytes: [UInt8], contentType: String, name: String) -> Response {
        Response(status: .ok, headers: [.contentType: contentType, .contentDisposition: "attachment; filename=\"\(name)\""],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
