import Delivery
import Foundation
import GatewayCore
import Signatures
import Synchronization

/// Sustained load on a running `gateway serve`: it starts the gateway on a fresh embedded
/// database with simulated MOIT and customs-core endpoints, gets `count` applications accepted
/// and delivered to MOIT (so that decisions on them are valid), then posts `count` signed MOIT
/// LicenceDecisions from `concurrency` clients and reports accepted messages per second and the
/// latency percentiles. Every decision is accepted (202) and queues a LicenceRecord.
public struct LoadBenchmark {
    public let gateway: String
    public let root: String
    public let count: Int
    public let concurrency: Int

    public init(gateway: String, root: String, count: Int, concurrency: Int) {
        self.gateway = gateway
        self.root = root
        self.count = count
        self.concurrency = concurrency
    }

    public func run(report: (String) -> Void) async throws {
        let moit = try await SimulatedPartner.start()
        let customs = try await SimulatedPartner.start()
        defer { moit.stop(); customs.stop() }
        let port = try freePort()
        let directory = NSTemporaryDirectory() + "gateway-load-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = Process()
        server.executableURL = URL(fileURLWithPath: gateway)
        server.arguments = ["serve", "--port", String(port), "--database", "sqlite:\(directory)/gateway.sqlite"]
        server.currentDirectoryURL = URL(fileURLWithPath: root)
        server.environment = ProcessInfo.processInfo.environment.merging(
            ["GATEWAY_PARTNER_MOIT_URL": moit.url, "GATEWAY_PARTNER_CUSTOMS_CORE_URL": customs.url]) { $1 }
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { server.terminate(); server.waitUntilExit() }

        report("Signing \(count) applications (customs-core, P-256) and \(count) decisions (MOIT, RSA-2048)…")
        let (applications, decisions) = try messages()
        let threads = DeliveryThreads(count: concurrency)
        let poster = HTTPPoster()
        try await waitUntilHealthy(port: port, poster: poster, threads: threads)

        let accepted = try await post(applications, to: "http://127.0.0.1:\(port)/v1/partners/customs-core/messages",
                                      poster: poster, threads: threads)
        guard accepted.refused == 0 else { throw failure("\(accepted.refused) applications were refused") }
        report("\(count) applications accepted; waiting for their delivery to MOIT…")
        let deadline = Date().addingTimeInterval(120)
        while moit.received < count && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        guard moit.received >= count else { throw failure("MOIT received only \(moit.received) of \(count) applications") }

        report("Posting \(count) LicenceDecisions from \(concurrency) clients…\n")
        let cpu = ProcessCPU(pid: server.processIdentifier)
        let cpuBefore = cpu.seconds()
        let loadStarted = Date()
        let load = try await post(decisions, to: "http://127.0.0.1:\(port)/v1/partners/moit/messages", poster: poster, threads: threads)
        threads.stop()
        let latencies = load.latencies.sorted()
        func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] * 1000 }
        report(String(format: "accepted %d of %d (refused %d) in %.2f s: %.0f messages/s", load.accepted, count, load.refused,
                      load.seconds, Double(load.accepted) / load.seconds))
        report(String(format: "latency p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms",
                      percentile(0.50), percentile(0.90), percentile(0.99), (latencies.last ?? 0) * 1000))
        let deliveredBy = Date().addingTimeInterval(120)
        while customs.received < load.accepted && Date() < deliveredBy { try await Task.sleep(for: .milliseconds(10)) }
        let cpuAfter = cpu.seconds()
        // Accepting may outrun delivering for a while; what the gateway sustains is the rate at
        // which both are done.
        let untilDelivered = Date().timeIntervalSince(loadStarted)
        report(String(format: "customs-core received %d LicenceRecords, the last %.2f s after the first decision was posted: %.0f messages/s accepted and delivered",
                      customs.received, untilDelivered, Double(customs.received) / untilDelivered))
        if let cpuBefore, let cpuAfter, load.accepted > 0 {
            report(String(format: "gateway CPU (user + system, the deliveries to customs-core included): %.2f ms per accepted message",
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

    private func post(_ bodies: [[UInt8]], to url: String, poster: HTTPPoster, threads: DeliveryThreads) async throws -> LoadResult {
        let queue = WorkQueue()
        let concurrency = concurrency
        let started = Date()
        let results = await withTaskGroup(of: [(Int?, Double)].self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var mine: [(Int?, Double)] = []
                    while true {
                        let index = queue.next.add(1, ordering: .relaxed).oldValue
                        guard index < bodies.count else { return mine }
                        let request = HTTPPoster.Request(url: url, contentType: "application/octet-stream", body: bodies[index],
                                                         connectTimeout: 5, totalTimeout: 60)
                        let begin = Date()
                        let response = await threads.run { poster.post(request) }
                        mine.append((response.status, Date().timeIntervalSince(begin)))
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
        let demo = "\(root)/Certificates/demo"
        let customs = try MessageSigner(keyFile: "\(demo)/customs-core/key.pem", certificateFile: "\(demo)/customs-core/cert.pem")
        let moit = try MessageSigner(keyFile: "\(demo)/moit/key.pem", certificateFile: "\(demo)/moit/cert.pem")
        let application = try sample("customs-core/ImportApplication.v2/samples/ImportApplication-01.json")
        let decision = try sample("moit/LicenceDecision.v1/samples/LicenceDecision-01.xml")
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

    private func sample(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: "\(root)/MessageSpecs/\(path)") else {
            throw failure("The sample MessageSpecs/\(path) is missing; run from the repository or give --root.")
        }
        return String(decoding: data, as: UTF8.self)
    }

    private func waitUntilHealthy(port: Int, poster: HTTPPoster, threads: DeliveryThreads) async throws {
        for _ in 0..<300 {
            let request = HTTPPoster.Request(url: "http://127.0.0.1:\(port)/v1/partners/nobody/messages", contentType: "text/plain",
                                             body: [], connectTimeout: 1, totalTimeout: 2)
            if await threads.run({ poster.post(request) }).status == 404 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw failure("gateway serve did not start on port \(port)")
    }

    private func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard bound else { throw failure("no free port on 127.0.0.1") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private func failure(_ message: String) -> GatewayError { GatewayError(.internalError, message) }
}
