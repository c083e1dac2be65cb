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
                          "--header", "Content-Type: application/jose", "--data-binary", "@\(file)", "--output", "\(directory)/\(index).answer", urls(index)]
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

    /// Three instances on a fresh database, MOIT answering each delivery after 20 ms (so that
    /// deliveries are in flight when an instance stops), and `count` signed applications on disk.
    struct Load {
        let database: String
        let moit: FakePartner
        let instances: [ServeProcess]
        let files: [String]
        let directory: String
        let started = ContinuousClock.now
        static let path = "/v1/partners/customs-core/messages"

        static func start(_ label: String, count: Int) async throws -> Load {
            let database = try await TestPostgres.freshDatabase(label)
            let moit = try await FakePartner.start(answering: [202], delay: .milliseconds(20))
            let instances = try (0..<3).map { _ in try ServeProcess(database: database, moitURL: moit.url, arguments: ["--delivery-lease", "3"]) }
            for instance in instances { try await instance.waitUntilHealthy() }
            let directory = temporaryDirectory(label)
            let files = try (0..<count).map { index in
                let file = "\(directory)/\(index).jws"
                write(try ServeProcess.application(index), to: file)
                return file
            }
            return Load(database: database, moit: moit, instances: instances, files: files, directory: directory)
        }

        /// Posts every message to the instances in turn while `disrupt` runs (it stops one and
        /// returns where a load balancer would send again what that one did not answer), then
        /// sends those again: each message's final status and how many were sent again.
        func post(disrupting disrupt: () async throws -> ServeProcess) async throws -> (statuses: [Int], sentAgain: Int) {
            async let firstPass = InstanceKilledTests.post(files, to: { instances[$0 % 3].url(Self.path) }, directory: directory)
            let survivor = try await disrupt()
            var statuses = await firstPass
            let unanswered = statuses.indices.filter { ![200, 202].contains(statuses[$0]) }
            let retried = await InstanceKilledTests.post(unanswered.map { files[$0] }, to: { _ in survivor.url(Self.path) },
                                                         directory: directory + "/retry")
            for (slot, index) in unanswered.enumerated() { statuses[index] = retried[slot] }
            return (statuses, unanswered.count)
        }

        /// Waits (bounded) until MOIT has every accepted message; what was stored to deliver, and
        /// what MOIT got: delivered, lost, delivered twice.
        func deliveries(accepted: Int) async throws -> (stored: Int, delivered: Int, lost: Int, duplicates: Int, seconds: Double, auditIntact: Bool) {
            for _ in 0..<600 where Set(moit.deliveries.map(\.body)).count < accepted {
                try await Task.sleep(for: .milliseconds(100))
            }
            let seconds = (ContinuousClock.now - started) / .seconds(1)
            let store = try await GatewayStore.open(try DatabaseLocation(database))
            let outbound = try await store.messages(direction: .outbound)
            let intact = try await store.verifyAudit().isIntact
            await store.close()
            let delivered = Set(moit.deliveries.map(\.body))
            return (outbound.count, delivered.count, outbound.filter { !delivered.contains($0.body) }.count,
                    moit.deliveries.count - delivered.count, seconds, intact)
        }

        /// Claims a live instance lost: starved of CPU (three instances, PostgreSQL and the load on 2
        /// cores), it may see its 3 s lease run out before it renews it; another instance then
        /// delivers the message too, and the first one's attempt is refused and logged.
        func claimsTakenOver(also others: [ServeProcess] = []) -> Int {
            (instances + others).reduce(0) { total, instance in
                total + ((try? String(contentsOfFile: instance.log, encoding: .utf8)) ?? "").components(separatedBy: "ran out and another worker holds it").count - 1
            }
        }

        func stop() async {
            for instance in instances { await instance.stop(SIGTERM) }
            moit.stop()
        }
    }

    @Test func aKilledInstancesWorkIsDeliveredByTheOthers() async throws {
        let count = 3000
        let load = try await Load.start("killed", count: count)
        defer { for instance in load.instances { instance.signal(SIGTERM) }; load.moit.stop() }
        var inFlight = -1
        let (statuses, sentAgain) = try await load.post {
            try await Task.sleep(for: .seconds(3))
            let victim = load.instances[1]
            let worker = "gateway@%/\(victim.process.processIdentifier)-%"
            // Frozen first, so its claims are counted before their 3 s leases can run out and the
            // others take them over (counted after, some would already be another's); then killed.
            victim.signal(SIGSTOP)
            let name = String(load.database.split(separator: "/").last?.split(separator: "?").first ?? "")
            inFlight = Int(try await TestPostgres.psql(
                "SELECT COUNT(*) FROM outbox WHERE state = 'delivering' AND claimed_by LIKE '\(worker)'", database: name)
                .trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
            await victim.stop(SIGKILL)
            return load.instances[0]
        }
        let accepted = statuses.filter { [200, 202].contains($0) }.count
        let figures = try await load.deliveries(accepted: accepted)
        let takenOver = load.claimsTakenOver()
        print("""
            instance killed: \(count) messages to 3 instances, one killed with SIGKILL after 3 s holding \(inFlight) deliveries in flight; \
            \(sentAgain) sent again to a survivor; accepted \(accepted), stored \(figures.stored) to deliver, delivered \(figures.delivered), \
            lost \(figures.lost), duplicate deliveries \(figures.duplicates) (claims taken over from a live instance: \(takenOver)), \
            \(String(format: "%.1f", figures.seconds)) s
            """)
        #expect(accepted == count)
        #expect(figures.stored == count)
        #expect(figures.lost == 0)
        #expect(figures.duplicates <= max(inFlight, 0) + takenOver,
                "only what the killed instance had in flight, and claims whose lease ran out (each logged), may be delivered twice")
        #expect(figures.auditIntact)
        await load.stop()
    }

    /// A graceful restart of one instance under load (a rolling upgrade): it finishes and records
    /// what it had in flight and hands back its claims, so nothing is delivered twice.
    @Test func aGracefulRestartUnderLoadDeliversNothingTwice() async throws {
        let count = 1500
        let load = try await Load.start("restarted", count: count)
        defer { for instance in load.instances { instance.signal(SIGTERM) }; load.moit.stop() }
        var restarted: ServeProcess?
        defer { restarted?.signal(SIGTERM) }
        let (statuses, sentAgain) = try await load.post {
            try await Task.sleep(for: .seconds(2))
            await load.instances[1].stop(SIGTERM)
            let again = try ServeProcess(database: load.database, moitURL: load.moit.url, arguments: ["--delivery-lease", "3"])
            restarted = again
            try await again.waitUntilHealthy()
            return again
        }
        let accepted = statuses.filter { [200, 202].contains($0) }.count
        let figures = try await load.deliveries(accepted: accepted)
        let takenOver = load.claimsTakenOver(also: restarted.map { [$0] } ?? [])
        print("""
            instance restarted: \(count) messages to 3 instances, one stopped with SIGTERM after 2 s and started again; \
            \(sentAgain) sent again to it; accepted \(accepted), delivered \(figures.delivered), lost \(figures.lost), \
            duplicate deliveries \(figures.duplicates) (claims taken over from a live instance: \(takenOver)), \(String(format: "%.1f", figures.seconds)) s
            """)
        #expect(accepted == count)
        #expect(figures.lost == 0)
        #expect(figures.duplicates <= takenOver, "a graceful stop delivers nothing twice (so never two requests about one object at once); only a lease run out (logged) may")
        await restarted?.stop(SIGTERM)
        await load.stop()
    }
}
