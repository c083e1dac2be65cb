import Foundation
import LocalPostgres
import Testing
import TestSupport

/// `gateway demo --once` from the repository: the world's example chain through all four flows
/// over real HTTP, each message printed, and the timelines a person reads at the end.
@Suite struct DemoCommandTests {
    static func play() throws -> (status: Int32, output: String) {
        let directory = temporaryDirectory("demo")
        return try BackgroundProcess.run(
            [GatewayBinary.path, "demo", "--once", "--port", String(FreePort.next()), "--database", "sqlite:" + directory + "/demo.sqlite",
             "--root", RepositoryPaths.root],
            log: directory + "/demo.log")
    }

    /// The transcript with what differs between runs by nature taken out: ids, times, ports.
    static func story(_ output: String) -> String {
        output.replacing(#/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/#, with: "ID")
            .replacing(#/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00/#, with: "TIME")
            .replacing(#/127\.0\.0\.1:\d+/#, with: "ADDRESS")
    }

    @Test func theDemoPlaysTheExampleChainThroughAllFourFlows() throws {
        let (status, output) = try Self.play()
        #expect(status == 0, "\(output.suffix(3000))")
        for line in [
            "customs-core → gateway       ImportApplication-01.json    202 Accepted (signed receipt)",
            "gateway      → moit          ImportLicenceApplication     202 Accepted",
            "bank-bidv    → gateway       camt.054-02.xml              202 NotificationResult ACCEPTED, REJECTED UNKNOWN_DECLARATION",
            "asw-sg       → gateway       FORM_D-03-SG-to-VN.xml       202 ACK RECEIVED",
            "gateway      → asw-th        FORM_D                       202 with a signed ACK RECEIVED",
            "application IA-2025-000418 (licence 00125/2025/GPNK-BCT): REVOKED",
            "application IA-2025-000457: SUPPLEMENT_REQUIRED",
            "payment VCB20250313000112 (taxnotice TB-2025-00004512): REJECTED",
            "AMOUNT_MISMATCH: Paid amount 3412050000 VND differs from amount due 3412500000 VND",
            "certificate VN-TH 25/02/00318: PARTNER_ACCEPTED",
            "certificate VN-SG 25/37/00412: PARTNER_REJECTED",
            "certificate SG25-D-0007731: ACCEPTED",
            "permit 2418/2025/BVTV-KDNK: IN_USE",
            "Doanh nghiệp khai báo không trung thực",
        ] {
            #expect(output.contains(line), "\(line) is missing from the demo's output")
        }
        #expect(!output.contains(" 409 ") && !output.contains(" 400 ") && !output.contains(" 401 "), "every message of the chain is accepted")
        #expect(!output.contains(" error ") && !output.contains(" warning "), "a clean run and a clean exit: \(output.suffix(2000))")
        // Causes before their effects: the decision is printed before the licence record it made.
        let lines = output.split(separator: "\n").map(String.init)
        let decision = try #require(lines.firstIndex { $0.contains("LicenceDecision-01.xml") })
        #expect(lines[decision + 1].contains("gateway      → customs-core  LicenceRecord"), "\(lines[decision...].prefix(2))")

        let again = try Self.play()
        #expect(Self.story(again.output) == Self.story(output), "the same story at every run, ids and times aside")
        print("demo --once: \(lines.count) lines, \(lines.filter { $0.hasPrefix("  ") && $0.contains("→") }.count) messages, \(lines.drop { $0 != "== Timelines" }.dropFirst().filter { !$0.isEmpty && !$0.hasPrefix(" ") }.count) case timelines; the second run's transcript identical but for ids, times and ports")
    }
}

/// `gateway demo` without `--once`: the tracking page and the console stay open behind a sign-in
/// with the demo credentials it prints, and Ctrl-C (SIGINT) ends it cleanly.
@Suite struct DemoServingTests {
    @Test func theDemoLeavesTheTrackingPageOpenBehindItsPrintedCredentials() async throws {
        let directory = temporaryDirectory("demo-serving")
        let port = FreePort.next()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: GatewayBinary.path)
        process.arguments = ["demo", "--port", String(port), "--database", "sqlite:" + directory + "/demo.sqlite", "--root", RepositoryPaths.root]
        let log = directory + "/demo.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardError = process.standardOutput
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        var password: String?
        for _ in 0..<600 where password == nil {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            password = text.split(separator: "\n").first { $0.hasPrefix("Sign in as demo-officer") }.map { String($0.split(separator: " ").last ?? "") }
            if password == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        let officer = try #require(password, "the demo printed the officer's password")
        let base = "http://127.0.0.1:\(port)"
        let cookies = directory + "/cookies.txt"
        let signIn = await Blocking.run {
            Command.run("curl", ["--silent", "--max-time", "20", "--cookie-jar", cookies, "--output", "/dev/null", "--write-out", "%{http_code}",
                                 "--data-urlencode", "name=demo-officer", "--data-urlencode", "password=\(officer)", base + "/signin"])
        }
        #expect(signIn.standardOutput == "303", "signed in")
        let page = await Blocking.run {
            Command.run("curl", ["--silent", "--max-time", "20", "--cookie", cookies, base + "/track?q=VCB20250321000981"])
        }
        #expect(page.standardOutput.contains("AMOUNT_MISMATCH") && page.standardOutput.contains("Bị từ chối · Refused"), "\(page.standardOutput.prefix(500))")
        process.interrupt()
        await Blocking.run { process.waitUntilExit() }
        #expect(process.terminationStatus == 0, "Ctrl-C ends the demo cleanly")
        let text = try String(contentsOfFile: log, encoding: .utf8)
        #expect(!text.contains(" error "), "\(text.suffix(1000))")
    }
}
