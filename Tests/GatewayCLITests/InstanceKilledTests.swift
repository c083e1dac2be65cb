import Foundation
import LocalPostgres
import Store
import Testing
import TestSupport

/// One of three instances on one PostgreSQL database killed (`kill -9`) or restarted gracefully in
/// the middle of a load: the others take over its claims (when their lease runs out, or at once
/// when it handed them back) and deliver everything that was accepted; only what a killed instance
/// had in flight may reach a partner twice.
@Suite(.serialized) struct InstanceKilledTests {
    /// Posts each body to the instance `route` picks, many at once, with one curl: the HTTP status
    /// of each (0 without an answer).
    static func post(_ files: [String], to urls: (Int) -> String, directory: String) async -> [Int] {
        var arguments = ["--silent", "--parallel", "--parallel-immediate", "--parallel-max", "24"]
        for (index, file) in files.enumerated() {
            if index > 0 { arguments.append("--next") }
            arguments += ["--max-time", "30", "--write-out", "%{filename_effective} %{http_code}\\n", "--request", "POST",
                          "--data-binary", "@\(file)", "--output", "\(directory)/\(index).answer", urls(index)]
        }
        let output = await Blocking.run { [arguments] in Command.run("curl", arguments).standardOutput }
        var statuses = Array(repeating: 0, count: files.count)
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let name = parts[0].split(separator: "/").last, let index = Int(name.split(separator: ".")[0]) else { continue }
            statuses[index] = Int(parts[1]) ?? 0
        }
        return statuses
    }

    @Test func aKilledInstancesWorkIsDeliveredByTheOthers() async throws {
        let database = try TestPostgres.freshDatabase("killed")
        // MOIT answers after 20 ms: deliveries are in flight when the instance is killed.
        let moit = try await FakePartner.start(answering: [202], delay: .milliseconds(20))
        defer { moit.stop() }
        let instances = try (0..<3).map { _ in try ServeProcess(database: database, moitURL: moit.url, arguments: ["--delivery-lease", "3"]) }
        defer { for instance in instances { instance.signal(SIGTERM) } }
        for instance in instances { try await instance.waitUntilHealthy() }

        let count = 3000
        let directory = temporaryDirectory("killed")
        let files = try (0..<count).map { index in
            let file = "\(directory)/\(index).jws"
            write(try ServeProcess.application(index), to: file)
            return file
        }
        let path = "/v1/partners/customs-core/messages"
        let started = ContinuousClock.now
        async let firstPass = Self.post(files, to: { instances[$0 % 3].url(path) }, directory: directory)
        try await Task.sleep(for: .seconds(3))
        let victim = instances[1]
        let worker = "gateway@%/\(victim.process.processIdentifier)-%"
        await victim.stop(SIGKILL)
        let server = try TestPostgres.shared.get()
        let name = String(database.split(separator: "/").last?.split(separator: "?").first ?? "")
        let inFlight = Int(try server.psql("SELECT COUNT(*) FROM outbox WHERE state = 'delivering' AND claimed_by LIKE '\(worker)'",
                                           database: name).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        var statuses = await firstPass
        // What the killed instance did not answer goes to a survivor, as a load balancer's retry does.
        let unanswered = statuses.indices.filter { ![200, 202].contains(statuses[$0]) }
        let retried = await Self.post(unanswered.map { files[$0] }, to: { _ in instances[0].url(path) }, directory: directory + "/retry")
        for (slot, index) in unanswered.enumerated() { statuses[index] = retried[slot] }
        let accepted = statuses.filter { [200, 202].contains($0) }.count

        for _ in 0..<600 where Set(moit.deliveries.map(\.body)).count < accepted {
            try await Task.sleep(for: .milliseconds(100))
        }
        let seconds = (ContinuousClock.now - started) / .seconds(1)
        let store = try await GatewayStore.open(try DatabaseLocation(database))
        let outbound = try await store.messages(direction: .outbound)
        let delivered = Set(moit.deliveries.map(\.body))
        let lost = outbound.filter { !delivered.contains($0.body) }.count
        let duplicates = moit.deliveries.count - delivered.count
        print("""
            instance killed: \(count) messages to 3 instances, one killed with SIGKILL after 3 s holding \(inFlight) deliveries in flight; \
            \(unanswered.count) sent again to a survivor; accepted \(accepted), stored \(outbound.count) to deliver, delivered \(delivered.count), \
            lost \(lost), duplicate deliveries \(duplicates), \(String(format: "%.1f", seconds)) s
            """)
        #expect(accepted == count)
        #expect(outbound.count == count)
        #expect(lost == 0)
        #expect(duplicates <= max(inFlight, 0), "only what the killed instance had in flight may be delivered twice")
        #expect(try await store.verifyAudit().isIntact)
        await store.close()
        await instances[0].stop(SIGTERM)
        await instances[2].stop(SIGTERM)
    }

    /// A graceful restart of one instance under load (a rolling upgrade): it finishes and records
    /// what it had in flight and hands back its claims, so nothing is delivered twice.
    @Test func aGracefulRestartUnderLoadDeliversNothingTwice() async throws {
        let database = try TestPostgres.freshDatabase("restarted")
        let moit = try await FakePartner.start(answering: [202], delay: .milliseconds(20))
        defer { moit.stop() }
        let instances = try (0..<3).map { _ in try ServeProcess(database: database, moitURL: moit.url, arguments: ["--delivery-lease", "3"]) }
        defer { for instance in instances { instance.signal(SIGTERM) } }
        for instance in instances { try await instance.waitUntilHealthy() }

        let count = 1500
        let directory = temporaryDirectory("restarted")
        let files = try (0..<count).map { index in
            let file = "\(directory)/\(index).jws"
            write(try ServeProcess.application(index), to: file)
            return file
        }
        let path = "/v1/partners/customs-core/messages"
        let started = ContinuousClock.now
        async let firstPass = Self.post(files, to: { instances[$0 % 3].url(path) }, directory: directory)
        try await Task.sleep(for: .seconds(2))
        await instances[1].stop(SIGTERM)
        let restarted = try ServeProcess(database: database, moitURL: moit.url, arguments: ["--delivery-lease", "3"])
        defer { restarted.signal(SIGTERM) }
        try await restarted.waitUntilHealthy()
        var statuses = await firstPass
        let unanswered = statuses.indices.filter { ![200, 202].contains(statuses[$0]) }
        let retried = await Self.post(unanswered.map { files[$0] }, to: { _ in restarted.url(path) }, directory: directory + "/retry")
        for (slot, index) in unanswered.enumerated() { statuses[index] = retried[slot] }
        let accepted = statuses.filter { [200, 202].contains($0) }.count

        for _ in 0..<600 where Set(moit.deliveries.map(\.body)).count < accepted {
            try await Task.sleep(for: .milliseconds(100))
        }
        let seconds = (ContinuousClock.now - started) / .seconds(1)
        let store = try await GatewayStore.open(try DatabaseLocation(database))
        let outbound = try await store.messages(direction: .outbound)
        let delivered = Set(moit.deliveries.map(\.body))
        let lost = outbound.filter { !delivered.contains($0.body) }.count
        let duplicates = moit.deliveries.count - delivered.count
        print("""
            instance restarted: \(count) messages to 3 instances, one stopped with SIGTERM after 2 s and started again; \
            \(unanswered.count) sent again to it; accepted \(accepted), delivered \(delivered.count), lost \(lost), \
            duplicate deliveries \(duplicates), \(String(format: "%.1f", seconds)) s
            """)
        #expect(accepted == count)
        #expect(lost == 0)
        #expect(duplicates == 0, "a graceful stop delivers nothing twice (so never two requests about one object at once)")
        await store.close()
        await restarted.stop(SIGTERM)
        await instances[0].stop(SIGTERM)
        await instances[2].stop(SIGTERM)
    }
}
