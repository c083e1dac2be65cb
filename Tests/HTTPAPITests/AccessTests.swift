import Access
import Foundation
import HTTPAPI
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

/// The gateway's reads as an attacker and its users try them: without a credential, with another
/// partner's, past the rate limit, with a session cookie sent from another site.
@Suite struct AccessTests {
    static let licence = "/v1/licences/00125%2F2025%2FGPNK-BCT"
    static let payment = "/v1/payments/VCB20250312004567"

    static func headers(_ token: String) -> HTTPFields { [.authorization: TestAccess.bearer(token)] }

    static func status(_ client: some TestClientProtocol, _ uri: String, _ headers: HTTPFields = [:],
                       method: HTTPRequest.Method = .get, body: String? = nil) async throws -> (status: Int, body: String, headers: HTTPFields) {
        try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) {
            (Int($0.status.code), String(buffer: $0.body), $0.headers)
        }
    }

    @Test func withoutACredentialNothingButHealthAndTheSignInFormAnswers() async throws {
        let (gateway, partners) = try await TrackingTests.gatewayWithHistory()
        defer { partners.stop() }
        let message = try #require(try await gateway.store.messages(direction: .inbound).first)
        try await Application(router: GatewayServer.router(pipeline: gateway.pipeline, access: .test, metrics: .init())).test(.router) { client in
            var refused: [String] = []
            for uri in [Self.licence, Self.payment, "/v1/applications/IA-2025-000418", "/v1/messages/\(message.id)", "/metrics"] {
                let answer = try await Self.status(client, uri)
                #expect(answer.status == 401, "\(uri)")
                #expect(answer.body.contains("\"error\":\"UNAUTHENTICATED\"") && !answer.body.contains("GPNK"))
                if answer.status == 401 { refused.append(uri) }
            }
            let guessed = try await Self.status(client, Self.licence, Self.headers("swg_guessed"))
            #expect(guessed.status == 401)
            let replay = try await Self.status(client, "/v1/admin/dead-letters/\(message.id)/replay", method: .post)
            #expect(replay.status == 401)
            let page = try await Self.status(client, "/track?q=00125%2F2025%2FGPNK-BCT")
            #expect(page.status == 401 && page.body.contains("action=\"/signin\"") && !page.body.contains("IN_USE"))
            #expect(try await Self.status(client, "/health").status == 200)
            print("unauthenticated reads: \(refused.count) of 5 refused 401, a guessed token 401, the page shows the sign-in form only")
        }
        await gateway.store.close()
    }

    @Test func aPartnerReadsOnlyItsOwnCasesAndMessages() async throws {
        let (gateway, partners) = try await TrackingTests.gatewayWithHistory()
        defer { partners.stop() }
        let moitMessage = try #require(try await gateway.store.messages(direction: .inbound).first { $0.partner == "moit" })
        let vcbMessage = try #require(try await gateway.store.messages(direction: .inbound).first { $0.partner == "bank-vcb" })
        try await Application(router: GatewayServer.router(pipeline: gateway.pipeline, access: .test)).test(.router) { client in
            let moit = Self.headers(TestAccess.moitToken), vcb = Self.headers(TestAccess.vcbToken)
            #expect(try await Self.status(client, Self.licence, moit).status == 200, "MOIT decided the licence")
            #expect(try await Self.status(client, Self.licence, vcb).status == 404, "VCB took no part in it")
            #expect(try await Self.status(client, Self.payment, vcb).status == 200)
            #expect(try await Self.status(client, Self.payment, moit).status == 404)
            #expect(try await Self.status(client, "/v1/messages/\(moitMessage.id)", moit).status == 200)
            let crossed = try await Self.status(client, "/v1/messages/\(moitMessage.id)", vcb)
            #expect(crossed.status == 404 && !crossed.body.contains("moit"))
            #expect(try await Self.status(client, "/v1/messages/\(vcbMessage.id)", moit).status == 404)
            #expect(try await Self.status(client, "/v1/admin/dead-letters/\(vcbMessage.id)/replay", vcb, method: .post).status == 403)
            #expect(try await Self.status(client, Self.licence, Self.headers(TestAccess.officerToken)).status == 200)
        }
        await gateway.store.close()
    }

    @Test func enumerationStopsAtTheRateLimit() async throws {
        let (gateway, partners) = try await TrackingTests.gatewayWithHistory()
        defer { partners.stop() }
        let access = AccessControl(credentials: TestAccess.credentials, sessionKey: TestAccess.sessionKey, readsPerSecond: 5)
        try await Application(router: GatewayServer.router(pipeline: gateway.pipeline, access: access)).test(.router) { client in
            // All at once, as a scan would come: the limiter, not the speed of the lookups, decides.
            let started = ContinuousClock.now
            let results = try await withThrowingTaskGroup(of: (status: Int, retryAfter: String?).self) { group in
                for number in 0..<40 {
                    group.addTask {
                        let answer = try await Self.status(client, "/v1/applications/IA-2025-\(String(format: "%06d", number))",
                                                           Self.headers(TestAccess.officerToken))
                        return (answer.status, answer.headers[.retryAfter])
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let seconds = (ContinuousClock.now - started) / .seconds(1)
            let answers = Dictionary(grouping: results, by: \.status).mapValues(\.count)
            print("enumeration: 40 application numbers in a burst at 5 reads/s (burst 10), in \(String(format: "%.2f", seconds)) s: \(answers.sorted { $0.key < $1.key }.map { "\($0.value) answered \($0.key)" }.joined(separator: ", "))")
            // The burst, and what the bucket refilled while the requests came in.
            let refilled = Int((5 * seconds).rounded(.up))
            #expect(answers[404, default: 0] <= 10 + refilled)
            #expect(answers[429, default: 0] >= 40 - 10 - refilled)
            #expect(answers[404, default: 0] + answers[429, default: 0] == 40)
            #expect(results.filter { $0.status == 429 }.allSatisfy { $0.retryAfter == "1" })
        }
        await gateway.store.close()
    }

    @Test func anOfficerSignsInAndOutAndAnotherSitesRequestsAreRefused() async throws {
        let (gateway, partners) = try await TrackingTests.gatewayWithHistory()
        defer { partners.stop() }
        let access = AccessControl(credentials: TestAccess.credentials, sessionKey: TestAccess.sessionKey)
        try await Application(router: GatewayServer.router(pipeline: gateway.pipeline, access: access)).test(.router) { client in
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let wrong = try await Self.status(client, "/signin", form, method: .post, body: "name=officer-huong&password=guess")
            #expect(wrong.status == 401 && wrong.headers[.setCookie] == nil)
            let password = TestAccess.officerPassword.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            var crossSite = form
            crossSite[.origin] = "https://evil.example"
            let forged = try await Self.status(client, "/signin", crossSite, method: .post, body: "name=officer-huong&password=\(password)")
            #expect(forged.status == 403 && forged.headers[.setCookie] == nil, "a sign-in posted from another site's page")

            let signedIn = try await Self.status(client, "/signin", form, method: .post, body: "name=officer-huong&password=\(password)")
            #expect(signedIn.status == 303 && signedIn.headers[.location] == "/")
            let setCookie = try #require(signedIn.headers[.setCookie])
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && setCookie.contains("Path=/"))
            let cookie = String(setCookie.prefix { $0 != ";" })
            let page = try await Self.status(client, "/track?q=00125%2F2025%2FGPNK-BCT", [.cookie: cookie])
            #expect(page.status == 200 && page.body.contains("title=\"IN_USE\">") && page.body.contains("officer-huong"))
            // The same cookie on a request another site's page made the browser send.
            let stolen = try await Self.status(client, "/track?q=00125%2F2025%2FGPNK-BCT",
                                               [.cookie: cookie, .init("Sec-Fetch-Site")!: "cross-site"])
            #expect(stolen.status == 401 && !stolen.body.contains("IN_USE"))
            let forgedOrigin = try await Self.status(client, "/track?q=00125%2F2025%2FGPNK-BCT", [.cookie: cookie, .origin: "https://evil.example"])
            #expect(forgedOrigin.status == 401 && !forgedOrigin.body.contains("IN_USE"))
            // A cookie edited by hand is not the gateway's.
            let edited = try await Self.status(client, "/", [.cookie: cookie.replacingOccurrences(of: ".", with: "A.")])
            #expect(edited.body.contains("action=\"/signin\""))

            var signOut = form
            signOut[.cookie] = cookie
            #expect(try await Self.status(client, "/signout", signOut, method: .post, body: "csrf=wrong").status == 403)
            let csrf = try #require(page.body.range(of: "name=\"csrf\" value=\"").map { page.body[$0.upperBound...].prefix { $0 != "\"" } })
            let out = try await Self.status(client, "/signout", signOut, method: .post, body: "csrf=\(csrf)")
            #expect(out.status == 303 && out.headers[.setCookie]?.contains("Max-Age=0") == true)
        }
        await gateway.store.close()
    }

    @Test func signInsFromOneAddressAreLimited() async throws {
        let (gateway, partners) = try await TrackingTests.gatewayWithHistory()
        defer { partners.stop() }
        // Limits of its own: other tests sign in from the same (test) address.
        let access = AccessControl(credentials: TestAccess.credentials, sessionKey: TestAccess.sessionKey)
        try await Application(router: GatewayServer.router(pipeline: gateway.pipeline, access: access)).test(.router) { client in
            // All at once, as a guessing script would send them: the limiter decides, not the speed
            // of checking each password.
            let started = ContinuousClock.now
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<14 {
                    group.addTask {
                        try await Self.status(client, "/signin", [.contentType: "application/x-www-form-urlencoded"], method: .post,
                                              body: "name=officer-huong&password=guess").status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let seconds = (ContinuousClock.now - started) / .seconds(1)
            let refused = statuses.filter { $0 == 401 }.count, limited = statuses.filter { $0 == 429 }.count
            print("password guessing: 14 sign-ins from one address at once, in \(String(format: "%.2f", seconds)) s: \(refused) refused 401, \(limited) 429")
            // Ten at once, then one each 5 s.
            let refilled = Int((seconds / 5).rounded(.up))
            #expect(refused <= 10 + refilled && limited >= 4 - refilled && refused + limited == 14)
        }
        await gateway.store.close()
    }

    @Test func aMessageWithAnotherContentTypeIsRefused415WithTheExpectedType() async throws {
        let gateway = try await InboundPipelineTests.gateway()
        let body = try InboundPipelineTests.signed(InboundPipelineTests.application, by: "customs-core")
        try await Application(router: GatewayServer.router(pipeline: gateway.pipeline)).test(.router) { client in
            for contentType in ["image/png", "text/plain", "application/xml; charset=utf-8", "application/json", nil] {
                let headers: HTTPFields = contentType.map { [.contentType: $0] } ?? [:]
                let answer = try await Self.status(client, "/v1/partners/customs-core/messages", headers, method: .post,
                                                   body: String(decoding: body, as: UTF8.self))
                #expect(answer.status == 415, "\(contentType ?? "none")")
                #expect(answer.body.contains("\"error\":\"UNSUPPORTED_MEDIA_TYPE\"") && answer.body.contains("customs-core sends application/jose"))
            }
            let right = try await Self.status(client, "/v1/partners/customs-core/messages", [.contentType: "application/jose"], method: .post,
                                              body: String(decoding: body, as: UTF8.self))
            #expect(right.status == 202)
        }
        #expect(try await gateway.store.messages(direction: .inbound).count == 1)
        await gateway.store.close()
    }

    @Test func aReplayedReceiptIsRefusedOnEveryPartnerRouteAndLeavesNoAuditLine() async throws {
        let gateway = try await InboundPipelineTests.gateway()
        let application = try InboundPipelineTests.signed(InboundPipelineTests.application, by: "customs-core")
        let receipt = await gateway.pipeline.receive(from: "customs-core", application, contentType: "application/jose")
        #expect(receipt.status == 202)
        var answers: [String: Int] = [:]
        for partner in gateway.pipeline.partners.partners.keys.sorted() {
            for _ in 0..<3 {
                let answer = await gateway.pipeline.receive(from: partner, receipt.body)
                answers[partner] = answer.status
                #expect([401, 403].contains(answer.status), "\(partner): \(String(decoding: answer.body, as: UTF8.self))")
            }
        }
        let refusals = try await gateway.store.auditEntries(kind: "message.refused")
        print("replayed receipt: 3 times to each of \(answers.count) partner routes: \(answers.values.filter { $0 == 403 }.count) routes refused it 403 as the gateway's own signature, \(answers.values.filter { $0 == 401 }.count) 401 (signer outside their trust); audit lines: \(refusals.count)")
        #expect(refusals.isEmpty)
        #expect(try await gateway.store.messages(direction: .inbound).count == 1)
        await gateway.store.close()
    }

    @Test func aRefusedMessageSentAgainAndAgainIsAuditedOnce() async throws {
        let gateway = try await InboundPipelineTests.gateway()
        let invalid = try InboundPipelineTests.signed(InboundPipelineTests.application, by: "customs-core",
                                                      replacing: "\"requestedValidUntil\": \"2025-12-31\"", with: "\"requestedValidUntil\": \"2025-02-30\"")
        for _ in 0..<20 { #expect(await gateway.pipeline.receive(from: "customs-core", invalid).status == 400) }
        let refusals = try await gateway.store.auditEntries(kind: "message.refused")
        print("replayed refusal: 20 identical invalid messages, \(refusals.count) audit line")
        #expect(refusals.count == 1)
        await gateway.store.close()
    }
}
