import Access
import Foundation
import HTTPAPI
import Hub
import Hummingbird
import HummingbirdTesting
import Store
import Testing
import TestSupport

/// An operator looking at a stored message and its attempts, and replaying a dead letter.
@Suite struct MessageRoutesTests {
    static let operatorHeaders: HTTPFields = [.authorization: TestAccess.bearer(TestAccess.operatorToken)]

    @Test func aMessageShowsItsAttemptsAndADeadLetterIsReplayedByAnOperator() async throws {
        let gateway = try await InboundPipelineTests.gateway()
        let body = try InboundPipelineTests.signed(InboundPipelineTests.application, by: "customs-core")
        let router = GatewayServer.router(pipeline: gateway.pipeline, access: .test)
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/v1/partners/customs-core/messages", method: .post,
                                     headers: [.contentType: MediaTypes.of(signed: body)], body: ByteBuffer(bytes: body)) {
                #expect($0.status == .accepted)
            }
            let outbound = try #require(try await gateway.store.messages(direction: .outbound).first)
            let claimed = try await gateway.store.claimDeliveries(worker: "t", now: Date(), lease: 30, limit: 1)
            try await gateway.store.record(.deadLetter(httpStatus: 503, error: "HTTP 503"), of: try #require(claimed.first),
                                           startedAt: Date(), duration: 0.05)

            try await client.execute(uri: "/v1/messages/\(outbound.id)", method: .get, headers: Self.operatorHeaders) { response in
                #expect(response.status == .ok)
                let view = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(view?["partner"] as? String == "moit")
                #expect(view?["outbox"] as? String == "dead")
                let attempts = view?["attempts"] as? [[String: Any]]
                #expect(attempts?.count == 1)
                #expect(attempts?.first?["httpStatus"] as? Int == 503)
                #expect(attempts?.first?["outcome"] as? String == "dead-letter")
            }
            try await client.execute(uri: "/v1/messages/no-such-id", method: .get, headers: Self.operatorHeaders) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/v1/admin/dead-letters/\(outbound.id)/replay", method: .post) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == "Bearer realm=\"single-window-gateway\"")
                #expect(InboundPipelineTests.errorCode(response) == "UNAUTHENTICATED")
            }
            try await client.execute(uri: "/v1/admin/dead-letters/\(outbound.id)/replay", method: .post,
                                     headers: [.authorization: TestAccess.bearer(TestAccess.officerToken)]) { response in
                #expect(response.status == .forbidden, "replays are for operators")
                #expect(InboundPipelineTests.errorCode(response) == "NOT_ALLOWED")
            }
            try await client.execute(uri: "/v1/admin/dead-letters/\(outbound.id)/replay", method: .post,
                                     headers: Self.operatorHeaders) { #expect($0.status == .accepted) }
            #expect(try await gateway.store.outboxState(of: outbound.id) == .pending)
            try await client.execute(uri: "/v1/admin/dead-letters/\(outbound.id)/replay", method: .post,
                                     headers: Self.operatorHeaders) { response in
                #expect(response.status == .conflict, "only dead letters are replayed")
            }
        }
        await gateway.store.close()
    }
}
