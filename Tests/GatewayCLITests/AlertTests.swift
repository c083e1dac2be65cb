import Foundation
import Testing
import TestSupport

/// An operator is warned before anything the exchanges depend on runs out: at start (and daily
/// after), a log line for every certificate and CRL within 30 days, with its owner, role and
/// file, and the same figures as gauges on `/metrics` for the alert rules.
@Suite struct AlertTests {
    static let promtool = "/usr/bin/promtool"

    @Test func certificatesAndCRLsWithinThirtyDaysAreWarnedOfAtStart() async throws {
        // Every demo certificate and CRL ends on 31/12/2036: 16 days after this clock.
        let server = try ServeProcess(database: "sqlite:" + temporaryDirectory("expiry") + "/gateway.sqlite",
                                      arguments: ["--simulated-time", "2036-12-15T09:00:00+07:00"])
        defer { server.signal(SIGTERM) }
        try await server.waitUntilHealthy()
        let log = try String(contentsOfFile: server.log, encoding: .utf8)
        let warnings = log.split(separator: "\n").filter { $0.contains("warning") && $0.contains("expires in 16 days") }
        #expect(warnings.contains { $0.contains("The receipt-signer certificate") && $0.contains("of gateway") && $0.contains("cert.pem") }, "\(log)")
        #expect(warnings.contains { $0.contains("The ca certificate") && $0.contains("of moit") }, "\(log)")
        #expect(log.contains("The next CRL of") && log.contains("is due in 16 days"), "\(log)")
        print("certificate warnings at start, 16 days before the demo PKI ends: \(warnings.count) certificates, \(log.components(separatedBy: "is due in 16 days").count - 1) CRLs")

        let metrics = await server.get("/metrics", headers: ["Authorization: Bearer \(TestAccess.operatorToken)"]).body
        let text = String(decoding: metrics, as: UTF8.self)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix(#"gateway_certificate_expiry_seconds{owner="gateway",role="receipt-signer""#) })
        let seconds = try #require(Double(line.split(separator: " ").last ?? ""))
        #expect(seconds > 16 * 86_400 && seconds < 17 * 86_400, "\(line)")
        if FileManager.default.isExecutableFile(atPath: Self.promtool) {
            let lint = await Blocking.run { Command.run(Self.promtool, ["check", "metrics"], input: Array(metrics)) }
            #expect(lint.status == 0, "promtool finds the exposition well formed, every metric with its HELP: \(lint.standardOutput) \(lint.standardError)")
        }
    }

    /// The repository's alert rules load in Prometheus and fire on the figures they are meant for
    /// (`ops/prometheus/alerts.test.yml`), checked by Prometheus's own tool.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: promtool), "Debian's prometheus package (scripts/install-debian-packages --with-test-tools)"))
    func theAlertRulesAreValidAndFireWhenTheyShould() {
        let directory = RepositoryPaths.root + "/ops/prometheus"
        let check = Command.run(Self.promtool, ["check", "rules", directory + "/alerts.yml"])
        #expect(check.status == 0, "\(check.standardOutput) \(check.standardError)")
        let test = Command.run(Self.promtool, ["test", "rules", directory + "/alerts.test.yml"])
        #expect(test.status == 0, "\(test.standardOutput) \(test.standardError)")
        print("promtool: \(check.standardOutput.split(separator: "\n").last ?? ""); unit tests of the rules: \(test.standardOutput.contains("SUCCESS") ? "SUCCESS" : "failed")")
    }
}
