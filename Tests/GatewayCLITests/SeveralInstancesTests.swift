import Foundation
import Store
import Testing
import TestSupport

/// Several `gateway serve` processes on one PostgreSQL database, as a customs administration
/// runs them: whatever instance a partner's request reaches, and whatever the timing, the
/// partner gets the answers of one gateway.
@Suite(.serialized) struct SeveralInstancesTests {
    enum Setup: String, CaseIterable, Sendable {
        /// The embedded default: one instance, both sends to it.
        case sqliteOneInstance
        case postgresTwoInstances
    }

    /// Exactly-once in: a partner that sends a message again while the first send is still being
    /// decided (its client timed out) gets 200 with the first one's receipt, on either instance.
    @Test(arguments: Setup.allCases)
    func retransmissionsRacingTheirOriginalsGetTheFirstReceipt(_ setup: Setup) async throws {
        let database = setup == .postgresTwoInstances
            ? try await TestPostgres.freshDatabase("instances") : "sqlite:" + temporaryDirectory("instances") + "/gateway.sqlite"
        let moit = try await FakePartner.start(answering: [202])
        defer { moit.stop() }
        let first = try ServeProcess(database: database, moitURL: moit.url)
        let second = setup == .postgresTwoInstances ? try ServeProcess(database: database, moitURL: moit.url) : first
        defer {
            first.signal(SIGTERM)
            second.signal(SIGTERM)
        }
        try await first.waitUntilHealthy()
        try await second.waitUntilHealthy()

        let pairs = 160
        let directory = temporaryDirectory("pairs")
        // One curl sends every pair, each message to both instances at once.
        var arguments = ["--silent", "--parallel", "--parallel-immediate", "--parallel-max", "64"]
        for index in 0..<pairs {
            write(try ServeProcess.application(index), to: "\(directory)/\(index).jws")
            if index > 0 { arguments.append("--next") }
            arguments += ["--max-time", "60", "--write-out", "%{filename_effective} %{http_code}\\n",
                          "--request", "POST", "--header", "Content-Type: application/jose", "--data-binary", "@\(directory)/\(index).jws",
                          "--output", "\(directory)/\(index).first", first.url("/v1/partners/customs-core/messages"),
                          "--output", "\(directory)/\(index).second", second.url("/v1/partners/customs-core/messages")]
        }
        let started = ContinuousClock.now
        let result = await Blocking.run { [arguments] in Command.run("curl", arguments) }
        let seconds = (ContinuousClock.now - started) / .seconds(1)
        var statuses: [String: Int] = [:]
        for line in result.standardOutput.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2 { statuses[String(parts[0])] = Int(parts[1]) }
        }

        var firstReceipt = 0, otherAnswers: [String] = []
        for index in 0..<pairs {
            let files = ["\(directory)/\(index).first", "\(directory)/\(index).second"]
            let answers = files.map { statuses[$0] ?? 0 }
            let bodies = files.map { read($0) }
            if answers.sorted() == [200, 202] && bodies[0] == bodies[1] && !bodies[0].isEmpty {
                firstReceipt += 1
            } else {
                otherAnswers.append("pair \(index): \(answers) \(String(decoding: (answers[0] == 200 || answers[0] == 202 ? bodies[1] : bodies[0]).prefix(200), as: UTF8.self))")
            }
        }
        print("retransmission pairs (\(setup)): \(pairs) pairs in \(String(format: "%.1f", seconds)) s, \(firstReceipt) answered 202 and 200 with the first receipt, \(otherAnswers.count) otherwise")
        #expect(otherAnswers.isEmpty, "\(otherAnswers.prefix(3))")

        let store = try await GatewayStore.open(try DatabaseLocation(database))
        let inbound = try await store.messages(direction: .inbound)
        #expect(inbound.count == pairs, "each application is stored once")
        let verification = try await store.verifyAudit()
        #expect(verification.isIntact, "\(verification.summary)")
        await store.close()
        await first.stop(SIGTERM)
        if second !== first { await second.stop(SIGTERM) }
    }
}
