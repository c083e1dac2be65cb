import Foundation
import GatewayCore
import Signatures

/// What the N-th LicenceUsage on one licence costs: a steel importer's annual licence is drawn
/// on by thousands of declarations, and a usage must not cost more because many came before.
/// Starts `gateway serve` with simulated MOIT and customs-core, gets licence 00125 approved and
/// delivered, then posts `count` signed usages of it from one client, one after another, and
/// reports the latency and the gateway's CPU per usage at the start, in the middle and at the end.
public struct UsageBenchmark {
    public let gateway: String
    public let root: String
    public let count: Int

    public init(gateway: String, root: String, count: Int) {
        self.gateway = gateway
        self.root = root
        self.count = count
    }

    /// The usages measured together at each point.
    static let window = 100

    public func run(report: (String) -> Void) async throws {
        let (server, moit, customs) = try await GatewayUnderTest.withSimulatedMOITAndCustoms(gateway: gateway, root: root, clients: 1)
        defer { server.stop(); moit.stop(); customs.stop() }
        report("Signing \(count) LicenceUsages of licence 00125/2025/GPNK-BCT (customs-core, P-256)…")
        let customsSigner = try GatewayUnderTest.signer("customs-core", root: root)
        let usages = try self.usages(signer: customsSigner)
        try await server.waitUntilHealthy()

        let application = try customsSigner.sign(Array(try GatewayUnderTest.sample(
            "customs-core/ImportApplication.v2/samples/ImportApplication-01.json", root: root).utf8))
        guard await server.post(application, as: "customs-core").status == 202,
              try await GatewayUnderTest.wait(upTo: 30, for: { moit.received >= 1 }) else {
            throw GatewayUnderTest.failure("the application was not accepted and delivered to MOIT")
        }
        let decision = try GatewayUnderTest.signer("moit", root: root).sign(Array(try GatewayUnderTest.sample(
            "moit/LicenceDecision.v1/samples/LicenceDecision-01.xml", root: root).utf8))
        guard await server.post(decision, as: "moit").status == 202,
              try await GatewayUnderTest.wait(upTo: 30, for: { customs.received >= 1 }) else {
            throw GatewayUnderTest.failure("the licence was not approved and delivered to customs-core")
        }
        // customs-core's 202 to the first record is recorded just after it answers.
        try await Task.sleep(for: .milliseconds(200))

        report("Posting \(count) LicenceUsages of one licence from one client, one after another…\n")
        let cpu = server.cpu
        var latencies: [Double] = []
        var cpuAt: [Double] = []
        for (index, usage) in usages.enumerated() {
            if index % Self.window == 0 { cpuAt.append(cpu.seconds() ?? 0) }
            let (status, seconds) = await server.post(usage, as: "customs-core")
            guard status == 202 else { throw GatewayUnderTest.failure("usage \(index + 1) was answered \(status.map(String.init) ?? "nothing")") }
            latencies.append(seconds)
        }
        cpuAt.append(cpu.seconds() ?? 0)
        func window(endingAt last: Int) -> (p50: Double, cpu: Double) {
            let first = max(0, last - Self.window)
            let sorted = latencies[first..<last].sorted()
            let cpuSeconds = cpuAt[last / Self.window] - cpuAt[first / Self.window]
            return (sorted[sorted.count / 2] * 1000, cpuSeconds * 1000 / Double(last - first))
        }
        var points = [Self.window]
        if count >= 1000 { points.append(1000) }
        if count > Self.window { points.append(count - count % Self.window) }
        let baseline = window(endingAt: Self.window)
        for point in points {
            let measured = window(endingAt: point)
            report(String(format: "usages %4d–%4d: latency p50 %.2f ms (%.2f× the first), gateway CPU %.2f ms per usage (%.2f× the first)",
                          point - Self.window + 1, point, measured.p50, measured.p50 / baseline.p50, measured.cpu, measured.cpu / baseline.cpu))
        }
    }

    /// `count` usages of licence 00125's line 1, each by its own declaration, 0.1 TNE each.
    private func usages(signer: MessageSigner) throws -> [[UInt8]] {
        let sample = try GatewayUnderTest.sample("customs-core/LicenceUsage.v2/samples/LicenceUsage-01.json", root: root)
        var usages: [[UInt8]] = []
        for index in 0..<count {
            usages.append(try signer.sign(Array(sample
                .replacingOccurrences(of: "9f8fc76c-82d5-4337-adab-574bdf697c15", with: UUID().uuidString.lowercased())
                .replacingOccurrences(of: "106234567890", with: String(format: "3%011d", index))
                .replacingOccurrences(of: "\"quantityUsed\": 600", with: "\"quantityUsed\": 0.1").utf8)))
        }
        return usages
    }
}
