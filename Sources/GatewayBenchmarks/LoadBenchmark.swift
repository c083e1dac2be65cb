import Delivery
import Foundation
import GatewayCore
import Signatures
import Synchronization

/// Sustained load on running `gateway serve`s: it starts the gateway (`instances` of them) on a fresh
/// database with simulated MOIT and customs-core endpoints, gets `count` applications accepted
/// and delivered to MOIT (so that decisions on them are valid), then posts `count` signed MOIT
/// LicenceDecisions from `concurrency` clients and reports accepted messages per second and the
/// latency percentiles. Every decision is accepted (202) and queues a LicenceRecord.
public struct LoadBenchmark {
    public let gateway: String
    public let root: String
    public let count: Int
    public let concurrency: Int
    public let database: BenchDatabase
    public let instances: Int

    public init(gateway: String, root: String, count: Int, concurrency: Int, database: BenchDatabase = .sqlite, instances: Int = 1) {
        self.gateway = gateway
        self.root = root
        self.count = count
        self.concurrency = concurrency
        self.database = database
        self.instances = instances
    }

    public func run(report: (String) -> Void) async throws {
        let (server, moit, customs) = try await GatewayUnderTest.withSimulatedMOITAndCustoms(gateway: gateway, root: root, clients: concurrency,
                                                                                              database: database, instances: instances)
        defer { server.stop(); moit.stop(); customs.stop() }
        report("gateway serve on \(server.description)")

        report("Signing \(count) applications (customs-core, P-256) and \(count) decisions (MOIT, RSA-2048)…")
        let (applications, decisions) = try messages()
        try await server.waitUntilHealthy()

        let accepted = await post(applications, as: "customs-core", to: server)
        guard accepted.refused == 0 else { throw GatewayUnderTest.failure("\(accepted.refused) applications were refused") }
        report("\(count) applications accepted; waiting for their delivery to MOIT…")
        guard try await GatewayUnderTest.wait(upTo: 120, for: { moit.received >= count }) else {
            throw GatewayUnderTest.failure("MOIT received only \(moit.received) of \(count) applications")
        }

        report("Posting \(count) LicenceDecisions from \(concurrency) clients…\n")
        let cpu = server.cpu
        let cpuBefore = cpu.seconds()
        let machineBefore = MachineCPU()
        let loadStarted = Date()
        let load = await post(decisions, as: "moit", to: server)
        let machineBusy = MachineCPU().flatMap { now in machineBefore.flatMap(now.busyShare) }
        let latencies = load.latencies.sorted()
        func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] * 1000 }
        report(String(format: "accepted %d of %d (refused %d) in %.2f s: %.0f messages/s", load.accepted, count, load.refused,
                      load.seconds, Double(load.accepted) / load.seconds))
        report(String(format: "latency p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms",
                      percentile(0.50), percentile(0.90), percentile(0.99), (latencies.last ?? 0) * 1000))
        if let machineBusy {
            report(String(format: "the machine's %d CPUs were %.0f%% busy while the decisions were posted (the gateway, its database and this load generator)",
                          ProcessInfo.processInfo.activeProcessorCount, machineBusy * 100))
        }
        _ = try await GatewayUnderTest.wait(upTo: 120) { customs.received >= load.accepted }
        let cpuAfter = cpu.seconds()
        // Accepting may outrun delivering for a while; what the gateway sustains is the rate at
        // which both are done.
        let untilDelivered = Date().timeIntervalSince(loadStarted)
        report(String(format: "customs-core received %d LicenceRecords, the last %.2f s after the first decision was posted: %.0f messages/s accepted and delivered",
                      customs.received, untilDelivered, Double(customs.received) / untilDelivered))
        if let cpuBefore, let cpuAfter, load.accepted > 0 {
            report(String(format: "gateway CPU (user + system, every instance, the deliveries to customs-core included): %.2f ms per accepted message",
                          (cpuAfter - cpuBefore) * 1000 / Double(load.accepted)))
        }
    }

    /// Hands out the index of the next message to post.
    private final class WorkQueue: Sendable {
        let next = Atomic<Int>(0)
    }

    private struct LoadResult {
        let accepted: Int
        let refused: Int
        let seconds: Double
        let latencies: [Double]
    }

    private func post(_ bodies: [[UInt8]], as partner: String, to server: GatewayUnderTest) async -> LoadResult {
        let queue = WorkQueue()
        let client = server.client
        let started = Date()
        let results = await withTaskGroup(of: [(Int?, Double)].self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var mine: [(Int?, Double)] = []
                    while true {
                        let index = queue.next.add(1, ordering: .relaxed).oldValue
                        guard index < bodies.count else { return mine }
                        mine.append(await client.post(bodies[index], as: partner))
                    }
                }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        let seconds = Date().timeIntervalSince(started)
        let accepted = results.filter { $0.0 == 202 }.count
        return LoadResult(accepted: accepted, refused: results.count - accepted, seconds: seconds, latencies: results.map(\.1))
    }

    private func messages() throws -> ([[UInt8]], [[UInt8]]) {
        let customs = try GatewayUnderTest.signer("customs-core", root: root)
        let moit = try GatewayUnderTest.signer("moit", root: root)
        let application = try GatewayUnderTest.sample("customs-core/ImportApplication.v2/samples/ImportApplication-01.json", root: root)
        let decision = try GatewayUnderTest.sample("moit/LicenceDecision.v1/samples/LicenceDecision-01.xml", root: root)
        var applications: [[UInt8]] = [], decisions: [[UInt8]] = []
        for index in 0..<count {
            let id = String(format: "IA-2025-%06d", 500_000 + index)
            applications.append(try customs.sign(Array(application
                .replacingOccurrences(of: "a5f477c5-a93c-4854-a334-1ce63fb8f111", with: UUID().uuidString.lowercased())
                .replacingOccurrences(of: "IA-2025-000418", with: id).utf8)))
            decisions.append(try moit.sign(Array(decision
                .replacingOccurrences(of: "fa9d8150-f485-4f54-9295-3e01edc6eb5a", with: UUID().uuidString.lowercased())
                .replacingOccurrences(of: "IA-2025-000418", with: id)
                .replacingOccurrences(of: "00125/2025/GPNK-BCT", with: String(format: "%05d/2025/GPNK-BCT", index % 100_000)).utf8)))
        }
        return (applications, decisions)
    }
}
