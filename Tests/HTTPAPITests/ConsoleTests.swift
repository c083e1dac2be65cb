import Foundation
import HTTPAPI
import Hub
import Hummingbird
import HummingbirdTesting
import Store
import Testing
import TestSupport

/// The operators' console: partner health, search, a message's page, dead letters replayed from
/// the page, driven in headless Chromium as an operator would; officers and strangers kept out.
@Suite struct ConsoleTests {
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    static func signIn(_ client: some TestClientProtocol, _ name: String, _ password: String) async throws -> String {
        try await client.execute(uri: "/signin", method: .post, headers: form, body: ByteBuffer(string: "name=\(name)&password=\(password)")) { response in
            String((response.headers[.setCookie] ?? "").prefix { $0 != ";" })
        }
    }

    @Test func theConsoleIsForSignedInOperatorsAndItsFormsOnlyFromItsOwnPages() async throws {
        let (gateway, outbound) = try await AdminRoutesTests.gatewayWithDeadLetters()
        try await Application(router: GatewayServer.router(pipeline: gateway.pipeline, access: .test)).test(.router) { client in
            try await client.execute(uri: "/console", method: .get) { response in
                #expect(response.status == .unauthorized && String(buffer: response.body).contains("action=\"/signin\""))
            }
            let officer = try await Self.signIn(client, "officer-huong", TestAccess.officerPassword)
            try await client.execute(uri: "/console/dead-letters", method: .get, headers: [.cookie: officer]) { response in
                #expect(response.status == .forbidden && String(buffer: response.body).contains("The console is for operators"))
            }
            try await client.execute(uri: "/messages/\(outbound[0].id)", method: .get, headers: [.cookie: officer]) { response in
                let page = String(buffer: response.body)
                #expect(response.status == .ok && page.contains("id=\"message\""), "an officer reads the message a timeline links to")
                #expect(!page.contains("id=\"download\"") && !page.contains("id=\"replay\""), "but neither its bytes nor a replay")
            }
            let operatorCookie = try await Self.signIn(client, "ops", TestAccess.operatorPassword.replacingOccurrences(of: " ", with: "+")
                                                           .replacingOccurrences(of: ",", with: "%2C"))
            let page = try await client.execute(uri: "/console/dead-letters", method: .get, headers: [.cookie: operatorCookie]) { String(buffer: $0.body) }
            let csrf = try #require(page.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
            var headers = Self.form
            headers[.cookie] = operatorCookie
            try await client.execute(uri: "/console/replay", method: .post, headers: headers, body: ByteBuffer(string: "id=\(outbound[0].id)")) { response in
                #expect(response.status == .forbidden, "a replay without the page's token is not the operator's")
            }
            headers[.init("Sec-Fetch-Site")!] = "cross-site"
            try await client.execute(uri: "/console/replay", method: .post, headers: headers,
                                     body: ByteBuffer(string: "csrf=\(csrf)&id=\(outbound[0].id)")) { response in
                #expect(response.status == .unauthorized, "posted from another site's page: treated as signed out")
            }
            #expect(try await gateway.store.outboxState(of: outbound[0].id) == .dead, "nothing was replayed")
        }
        await gateway.store.close()
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium"), "Debian's chromium (scripts/install-debian-packages --with-test-tools)"))
    func anOperatorSearchesOpensAndReplaysInHeadlessChromium() async throws {
        let (gateway, outbound) = try await AdminRoutesTests.gatewayWithDeadLetters()
        let certificates = try CertificateInventory(partners: gateway.pipeline.runtime.partners,
                                                    own: [("receipt-signer", RepositoryPaths.root + "/Certificates/demo/gateway/cert.pem")])
        let router = GatewayServer.router(pipeline: gateway.pipeline, access: .test, certificates: certificates)
        try await Application(router: router).test(.live) { client in
            let port = try #require(client.port)
            let profile = temporaryDirectory("chromium-console")
            let screenshots = temporaryDirectory("console-screenshots")
            let arguments = ["timeout", "120", "python3", RepositoryPaths.root + "/Tests/HTTPAPITests/Browser/console.py", "/usr/bin/chromium", profile,
                             "http://127.0.0.1:\(port)", "ops", TestAccess.operatorPassword, "moit", screenshots]
            let output = try await TrackingTests.runBrowser(arguments, log: profile + "/out.json")
            let pages = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: String], "\(output)")
            let health = pages["health"] ?? "", search = pages["search"] ?? "", message = pages["message"] ?? ""
            #expect(health.contains("id=\"partners\"") && health.contains("/console/dead-letters?partner=moit\">2</a>"), "moit's two dead letters on the health table")
            #expect(health.contains("receipt-signer"), "the gateway's own certificates with their days left")
            #expect(search.components(separatedBy: "Thư chết · Dead letter</span>").count - 1 == 2, "the search finds moit's two dead letters")
            #expect(message.contains("id=\"download\"") && message.contains("HTTP 503 from the partner") && message.contains("id=\"replay\""))
            #expect(pages["replayedOne"]?.contains("Đã gửi lại · Replayed: 1") == true, "\(pages["replayedOne"] ?? "")")
            #expect(pages["replayedAll"]?.contains("Đã gửi lại · Replayed: 1") == true, "the other one, with the partner's button")
            for id in outbound.prefix(2).map(\.id) {
                #expect(try await gateway.store.outboxState(of: id) == .pending, "both dead letters back in the queue")
            }
            var sizes: [String] = []
            for name in ["console-health-1280x900", "console-search-1280x900", "console-message-390x844", "console-dead-letters-390x844"] {
                let size = (try? FileManager.default.attributesOfItem(atPath: "\(screenshots)/\(name).png")[.size] as? Int) ?? 0
                #expect(size > 5_000, "\(name).png was taken")
                sizes.append("\(name).png \(size / 1024) KB")
            }
            print("headless Chromium console: signed in as ops, health shows moit with 2 dead letters, search DEAD finds 2, message page replayed 1, partner's replay-all replayed 1; screenshots \(sizes.joined(separator: ", ")) in \(screenshots)")
        }
        await gateway.store.close()
    }
}
