import Foundation
import GatewayCore
import Synchronization
import HTTPAPI
import Hub
import Hummingbird
import HummingbirdTesting
import Store
import Testing
import TestSupport

/// The operators' JSON admin API: finding messages without SQL, downloading a message's exact
/// bytes, listing dead letters and replaying one, a selection or all of a partner's, and each
/// partner's delivery health with its certificates.
@Suite struct AdminRoutesTests {
    static let operatorHeaders: HTTPFields = [.authorization: TestAccess.bearer(TestAccess.operatorToken)]

    /// Three applications sent on to MOIT: the first two dead-lettered, the third delivered.
    static func gatewayWithDeadLetters() async throws -> (InboundPipelineTests.Gateway, [StoredMessage]) {
        let gateway = try await InboundPipelineTests.gateway()
        let sample = String(decoding: InboundPipelineTests.sample(InboundPipelineTests.application), as: UTF8.self)
        for number in 1...3 {
            let text = sample.replacingOccurrences(of: "IA-2025-000418", with: "IA-2025-90000\(number)")
                .replacingOccurrences(of: "a5f477c5-a93c-4854-a334-1ce63fb8f111", with: "a5f477c5-a93c-4854-a334-1ce63fb8f11\(number)")
            let body = try InboundPipelineTests.signer("customs-core").sign(Array(text.utf8))
            #expect(await gateway.pipeline.receive(from: "customs-core", body).status == 202)
        }
        let outbound = try await gateway.store.messages(direction: .outbound)
        #expect(outbound.count == 3)
        for (index, claimed) in try await gateway.store.claimDeliveries(worker: "t", now: Date(), lease: 30, limit: 3).enumerated() {
            let outcome: DeliveryOutcome = index < 2 ? .deadLetter(httpStatus: 503, error: "HTTP 503 from the partner")
                                                     : .delivered(httpStatus: 202, response: Array("{\"status\":\"ok\"}".utf8))
            try await gateway.store.record(outcome, of: claimed, startedAt: Date(), duration: 0.02)
        }
        return (gateway, outbound)
    }

    static func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    static func ids(_ response: TestResponse) throws -> [String] {
        (try json(response)["messages"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    @Test func anOperatorFindsMessagesPageByPageWithoutSQL() async throws {
        let (gateway, outbound) = try await Self.gatewayWithDeadLetters()
        let router = GatewayServer.router(pipeline: gateway.pipeline, access: .test)
        try await Application(router: router).test(.router) { client in
            let all = try await client.execute(uri: "/v1/admin/messages", method: .get, headers: Self.operatorHeaders) { try Self.ids($0) }
            #expect(all.count == 6, "three applications in, three to MOIT out")
            let first = try await client.execute(uri: "/v1/admin/messages?partner=moit&direction=outbound&limit=2", method: .get,
                                                 headers: Self.operatorHeaders) { try Self.json($0) }
            let firstIds = (first["messages"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            let next = try #require(first["next"] as? String)
            let second = try await client.execute(uri: "/v1/admin/messages?partner=moit&direction=outbound&limit=2&after=\(next)", method: .get,
                                                  headers: Self.operatorHeaders) { try Self.json($0) }
            let secondIds = (second["messages"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(second["next"] == nil, "the last page says so")
            #expect(Set(firstIds + secondIds) == Set(outbound.map(\.id)), "every outbound message once over both pages")
            #expect(firstIds.count == 2 && secondIds.count == 1)

            let dead = try await client.execute(uri: "/v1/admin/messages?status=dead", method: .get, headers: Self.operatorHeaders) { try Self.ids($0) }
            #expect(dead.count == 2)
            let byNumber = try await client.execute(uri: "/v1/admin/messages?businessKey=IA-2025-900002&type=ImportApplication", method: .get,
                                                    headers: Self.operatorHeaders) { try Self.json($0) }
            let found = try #require((byNumber["messages"] as? [[String: Any]])?.first)
            #expect((byNumber["messages"] as? [[String: Any]])?.count == 1)
            #expect(found["partner"] as? String == "customs-core" && found["status"] as? String == "ACCEPTED")
            let today = try await client.execute(uri: "/v1/admin/messages?from=\(Self.today())&to=\(Self.today())", method: .get,
                                                 headers: Self.operatorHeaders) { try Self.ids($0) }
            #expect(today.count == 6, "a day in Viet Nam time, from its start to its end")

            try await client.execute(uri: "/v1/admin/messages?direction=sideways", method: .get, headers: Self.operatorHeaders) { response in
                #expect(response.status == .badRequest)
                let error = try Self.json(response)
                #expect(error["error"] as? String == "INVALID_QUERY")
                #expect(((error["details"] as? [[String: Any]])?.first?["path"] as? String) == "direction")
            }
            try await client.execute(uri: "/v1/admin/messages", method: .get,
                                     headers: [.authorization: TestAccess.bearer(TestAccess.officerToken)]) { #expect($0.status == .forbidden) }

            let message = try #require(outbound.first)
            try await client.execute(uri: "/v1/admin/messages/\(message.id)/body", method: .get, headers: Self.operatorHeaders) { response in
                #expect(response.status == .ok)
                #expect(Array(buffer: response.body) == message.body, "the exact bytes that were signed")
                #expect(response.headers[.contentType] == message.contentType)
                #expect(response.headers[.contentDisposition]?.contains("attachment") == true)
            }
        }
        await gateway.store.close()
    }

    @Test func deadLettersAreListedAndReplayedOneSelectedOrAllOfAPartner() async throws {
        let (gateway, _) = try await Self.gatewayWithDeadLetters()
        let replays = Counted()
        let router = GatewayServer.router(pipeline: gateway.pipeline, access: .test, onReplay: { replays.add() })
        try await Application(router: router).test(.router) { client in
            let dead = try await client.execute(uri: "/v1/admin/dead-letters?partner=moit", method: .get, headers: Self.operatorHeaders) { response in
                let view = try Self.json(response)
                let first = try #require((view["messages"] as? [[String: Any]])?.first)
                #expect(first["lastError"] as? String == "HTTP 503 from the partner")
                #expect(first["attempts"] as? Int == 1)
                return try Self.ids(response)
            }
            #expect(dead.count == 2)
            var headers = Self.operatorHeaders
            headers[.contentType] = "application/json"
            let selected = try await client.execute(uri: "/v1/admin/dead-letters/replay", method: .post, headers: headers,
                                                    body: ByteBuffer(string: "{\"ids\": [\"\(dead[0])\", \"no-such-message\"]}")) { try Self.json($0) }
            #expect(selected["replayed"] as? [String] == [dead[0]])
            let refused = try #require((selected["refused"] as? [[String: Any]])?.first)
            #expect(refused["id"] as? String == "no-such-message" && refused["code"] as? String == "NOT_FOUND")
            #expect(try await gateway.store.outboxState(of: dead[0]) == .pending)

            let all = try await client.execute(uri: "/v1/admin/dead-letters/replay", method: .post, headers: headers,
                                               body: ByteBuffer(string: "{\"partner\": \"moit\"}")) { try Self.json($0) }
            #expect(all["replayed"] as? [String] == [dead[1]], "the dead letters left")
            #expect(try await gateway.store.outboxState(of: dead[1]) == .pending)
            #expect(try await client.execute(uri: "/v1/admin/dead-letters", method: .get, headers: Self.operatorHeaders) { try Self.ids($0) }.isEmpty)
            try await client.execute(uri: "/v1/admin/dead-letters/replay", method: .post, headers: headers,
                                     body: ByteBuffer(string: "{\"partner\": \"moit\", \"ids\": []}")) { response in
                #expect(response.status == .badRequest, "ids or partner, not both")
            }
            try await client.execute(uri: "/v1/admin/dead-letters/replay", method: .post, headers: headers,
                                     body: ByteBuffer(string: "{\"partner\": \"nobody\"}")) { #expect($0.status == .notFound) }
        }
        #expect(replays.value == 2, "delivery woken after each replay that put something back")
        await gateway.store.close()
    }

    @Test func partnerHealthShowsBacklogDeadLettersAndCertificatesWithDaysLeft() async throws {
        let (gateway, _) = try await Self.gatewayWithDeadLetters()
        let certificates = try CertificateInventory(partners: gateway.pipeline.runtime.partners,
                                                    own: [("receipt-signer", RepositoryPaths.root + "/Certificates/demo/gateway/cert.pem")])
        let router = GatewayServer.router(pipeline: gateway.pipeline, access: .test, certificates: certificates)
        try await Application(router: router).test(.router) { client in
            let report = try await client.execute(uri: "/v1/admin/partners", method: .get, headers: Self.operatorHeaders) { try Self.json($0) }
            let partners = try #require(report["partners"] as? [[String: Any]])
            let moit = try #require(partners.first { $0["id"] as? String == "moit" })
            #expect(moit["deadLetters"] as? Int == 2)
            #expect(moit["backlog"] as? Int == 0)
            #expect(moit["lastDelivered"] is String)
            let moitCertificates = try #require(moit["certificates"] as? [[String: Any]])
            #expect(moitCertificates.contains { $0["role"] as? String == "ca" && ($0["daysLeft"] as? Int ?? -1) > 0 })
            #expect(partners.contains { $0["id"] as? String == "bank-bidv" && $0["deadLetters"] as? Int == 0 }, "a partner nothing was sent to is listed too")
            let gatewayCertificates = try #require(report["gateway"] as? [[String: Any]])
            #expect(gatewayCertificates.contains { $0["role"] as? String == "receipt-signer" })
            #expect(gatewayCertificates.contains { $0["role"] as? String == "signer" }, "the keys each partner's messages are signed with")
        }
        await gateway.store.close()
    }

    static func today() -> String {
        VietnamTime.date(Date())
    }
}

/// Counts calls from any thread.
final class Counted: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
