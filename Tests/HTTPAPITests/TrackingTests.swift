import Access
import Foundation
import LocalPostgres
import GatewayCore
import HTTPAPI
import Hub
import Hummingbird
import HummingbirdTesting
import Store
import Testing
import TestSupport

/// The tracking API and page: a licence, its application, a payment and a certificate looked up
/// by their numbers, with status and timeline — as JSON, as HTML, and in a real headless browser
/// the size of a phone.
@Suite struct TrackingTests {
    typealias G = FlowGateway
    static let licence = "00125/2025/GPNK-BCT"

    /// A gateway that has seen licence 00125 approved, delivered and used, and a VCB payment matched.
    static func gatewayWithHistory(on database: FlowGateway.Database = .sqlite) async throws -> (FlowGateway, FakePartner) {
        let partners = try await FakePartner.start(answering: [202])
        let gateway = try await G.start(endpoints: ["moit": partners, "customs-core": partners, "bank-vcb": partners], database: database)
        let messages: [(String, [UInt8])] = [
            ("customs-core", try G.signed("customs-core/ImportApplication.v2/samples/ImportApplication-01.json", by: "customs-core")),
            ("moit", try G.signed("moit/LicenceDecision.v1/samples/LicenceDecision-01.xml", by: "moit")),
            ("customs-core", try G.signed("customs-core/LicenceUsage.v2/samples/LicenceUsage-01.json", by: "customs-core")),
            ("customs-core", try G.signed("customs-core/TaxNotice.v2/samples/TaxNotice-01.json", by: "customs-core")),
            ("bank-vcb", try G.signed("bank-vcb/PaymentConfirmation.v1/samples/PaymentConfirmation-01.json", by: "bank-vcb", scheme: .ps256)),
        ]
        for (partner, body) in messages {
            let answer = await gateway.pipeline.receive(from: partner, body)
            #expect(answer.status == 202, "\(partner): \(String(decoding: answer.body, as: UTF8.self))")
            try await gateway.deliverAll()
        }
        return (gateway, partners)
    }

    /// A read by a signed-in officer: the API with its token, the page with its session.
    static func get(_ client: some TestClientProtocol, _ uri: String) async throws -> (status: Int, body: String) {
        try await client.execute(uri: uri, method: .get, headers: AccessControl.officer) { (Int($0.status.code), String(buffer: $0.body)) }
    }

    @Test(arguments: FlowGateway.Database.allCases)
    func casesAreFoundByTheirNumbersWithTheirTimelines(_ database: FlowGateway.Database) async throws {
        let (gateway, partners) = try await Self.gatewayWithHistory(on: database)
        defer { partners.stop() }
        try await Application(router: GatewayServer.router(pipeline: gateway.pipeline, access: .test)).test(.router) { client in
            for uri in ["/v1/licences/00125/2025/GPNK-BCT", "/v1/licences/00125%2F2025%2FGPNK-BCT"] {
                let (status, body) = try await Self.get(client, uri)
                #expect(status == 200)
                let json = try G.members(Array(body.utf8))
                #expect(json["status"] as? String == "IN_USE")
                #expect(json["related"] as? [String] == ["application/IA-2025-000418"])
                let timeline = try #require(json["timeline"] as? [[String: Any]])
                #expect(timeline.map { $0["status"] as? String } == ["APPLIED", "APPROVED", "DELIVERED_TO_CUSTOMS", "IN_USE"])
                let approval = try #require(timeline.first { $0["status"] as? String == "APPROVED" })
                #expect(approval["partner"] as? String == "moit")
                #expect((approval["signer"] as? String)?.hasPrefix("CN=eps-signing.moit.example") == true)
                #expect((approval["message"] as? String)?.hasPrefix("/v1/messages/") == true)
                // Typed facts: numbers as numbers, each quantity with its unit, the parties by role.
                let facts = try #require(json["facts"] as? [String: Any])
                let line = try #require((facts["lines"] as? [[String: Any]])?.first)
                #expect(line["lineNo"] as? Int == 1 && line["hsCode"] as? String == "72085100")
                #expect((line["used"] as? [String: Any])?["value"] as? Int == 600 && (line["used"] as? [String: Any])?["unit"] as? String == "TNE")
                #expect((line["approved"] as? [String: Any])?["value"] as? Int == 1200)
                let holder = try #require((facts["parties"] as? [[String: Any]])?.first)
                #expect(holder["role"] as? String == "holder" && holder["taxCode"] as? String == "0105987654")
                #expect((facts["dates"] as? [[String: Any]])?.contains { $0["label"] as? String == "validUntil" && $0["date"] as? String == "2025-08-31" } == true)
            }
            let application = try await Self.get(client, "/v1/applications/IA-2025-000418")
            #expect(application.status == 200 && application.body.contains("\"related\":[\"licence/00125/2025/GPNK-BCT\"]"))
            let payment = try await Self.get(client, "/v1/payments/VCB20250312004567")
            #expect(payment.status == 200 && payment.body.contains("\"status\":\"ACCEPTED\""))
            let paid = try #require((try G.members(Array(payment.body.utf8))["facts"] as? [String: Any])?["amounts"] as? [[String: Any]])
            #expect(paid.first?["value"] as? Int == 991_380_000 && paid.first?["currency"] as? String == "VND")
            #expect(payment.body.contains("\"related\":[\"taxnotice/TB-2025-00004512\"]"))
            let notice = try await Self.get(client, "/v1/declarations/106234567890")
            #expect(notice.status == 200 && notice.body.contains("\"status\":\"SETTLED\""))
            let due = try #require((try G.members(Array(notice.body.utf8))["facts"] as? [String: Any])?["amounts"] as? [[String: Any]])
            #expect(due.first?["label"] as? String == "amountDue" && due.first?["value"] as? Int == 991_380_000)
            let unknown = try await Self.get(client, "/v1/certificates/VN-TH%2025%2F02%2F00999")
            #expect(unknown.status == 404 && unknown.body.contains("\"error\":\"NOT_FOUND\""))

            let page = try await Self.get(client, "/track?q=00125%2F2025%2FGPNK-BCT")
            #expect(page.status == 200)
            #expect(page.body.contains("<span id=\"status\"><span class=\"badge good\" title=\"IN_USE\">Đang sử dụng · In use</span></span>"),
                    "the status in words, coloured as in force")
            #expect(page.body.range(of: #"<time datetime="[^"]+">\d\d/\d\d/\d{4} \d\d:\d\d</time>"#, options: .regularExpression) != nil,
                    "times as officers write them, dd/MM/yyyy HH:mm")
            #expect(page.body.contains("<a href=\"/messages/"), "messages open as a page, not raw JSON")
            #expect(page.body.contains("Công ty") || page.body.contains("Tổng Công ty"), "the holder's Vietnamese name as written")
            let lowerCase = try await Self.get(client, "/track?q=00125%2F2025%2Fgpnk-bct")
            #expect(lowerCase.status == 200 && lowerCase.body.contains("title=\"IN_USE\""), "typed in small letters, found all the same")
            let byDeclaration = try await Self.get(client, "/track?q=106234567890")
            #expect(byDeclaration.status == 200 && byDeclaration.body.contains("title=\"SETTLED\""), "a declaration number finds its tax notice")
            let hostile = try await Self.get(client, "/track?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
            #expect(hostile.status == 404)
            #expect(!hostile.body.contains("<script>") && hostile.body.contains("&lt;script&gt;"))
        }
        await gateway.store.close()
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium"), "Debian's chromium (scripts/install-debian-packages --with-test-tools)"))
    func aBrowserNotSignedInSeesTheSignInFormAndNoCase() async throws {
        let (gateway, partners) = try await Self.gatewayWithHistory()
        defer { partners.stop() }
        try await Application(router: GatewayServer.router(pipeline: gateway.pipeline, access: .test)).test(.live) { client in
            let port = try #require(client.port)
            // Not signed in: the sign-in form and nothing of the case.
            let page = try await Self.browse("http://127.0.0.1:\(port)/track?q=00125%2F2025%2FGPNK-BCT")
            #expect(page.contains("<html lang=\"vi\">"))
            #expect(page.contains("Đăng nhập · Sign in"))
            #expect(page.contains("name=\"password\""))
            #expect(!page.contains("IN_USE") && !page.contains("GPNK-BCT</h2>"))
            let start = try await Self.browse("http://127.0.0.1:\(port)/")
            #expect(start.contains("Đăng nhập · Sign in"))
            #expect(!start.contains("name=\"q\""))
        }
        await gateway.store.close()
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium"), "Debian's chromium (scripts/install-debian-packages --with-test-tools)"))
    func anOfficerSignsInAndFindsTheLicenceInHeadlessChromium() async throws {
        let (gateway, partners) = try await Self.gatewayWithHistory()
        defer { partners.stop() }
        try await Application(router: GatewayServer.router(pipeline: gateway.pipeline, access: .test)).test(.live) { client in
            let port = try #require(client.port)
            let script = RepositoryPaths.root + "/Tests/HTTPAPITests/Browser/signin.py"
            let profile = temporaryDirectory("chromium-signin")
            let arguments = ["timeout", "90", "python3", script, "/usr/bin/chromium", profile, "http://127.0.0.1:\(port)",
                             "officer-huong", TestAccess.officerPassword, Self.licence]
            let output = try await Self.runBrowser(arguments, log: profile + "/out.json")
            let pages = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")
            let before = pages["before"] as? String ?? "", signedIn = pages["signedIn"] as? String ?? ""
            let found = pages["found"] as? String ?? "", after = pages["afterSignOut"] as? String ?? ""
            #expect(before.contains("action=\"/signin\"") && !before.contains("IN_USE"), "no case before signing in")
            #expect(signedIn.contains("officer-huong") && signedIn.contains("Đăng xuất"), "signed in, the page names the officer")
            #expect(pages["scriptCookies"] as? String == "", "the session cookie is HttpOnly: no script reads it")
            #expect(found.contains("title=\"IN_USE\">Đang sử dụng · In use</span>") && found.contains("600 of 1200 TNE used"))
            #expect(after.contains("action=\"/signin\"") && !after.contains("IN_USE"), "signed out, the case is gone")
            print("headless Chromium: sign-in form before (no case), signed in as officer-huong, document.cookie empty (HttpOnly), licence found IN_USE, signed out: sign-in form again")
        }
        await gateway.store.close()
    }

    /// The DOM chromium built from the page, at a phone's window size.
    static func browse(_ url: String) async throws -> String {
        let profile = temporaryDirectory("chromium")
        let log = profile + "/out.html"
        // Bounded: a browser that hangs fails the test instead of holding the suite.
        let arguments = ["timeout", "60", "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                         "--user-data-dir=\(profile)/profile", "--window-size=390,844", "--dump-dom", url]
        let output = try await runBrowser(arguments, log: log)
        guard let start = output.range(of: "<html"), let end = output.range(of: "</html>", options: .backwards) else {
            Issue.record("chromium printed no page: \(output.prefix(2000))")
            return ""
        }
        return String(output[start.lowerBound..<end.upperBound])
    }

    /// Runs a browser command to its end and returns what it printed. waitpid blocks: it waits on a
    /// thread of its own, not on the cooperative pool serving the page.
    static func runBrowser(_ arguments: [String], log: String) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                do {
                    continuation.resume(returning: try BackgroundProcess.run(arguments, log: log).output)
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
