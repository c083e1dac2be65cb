import Delivery
import Foundation
import GatewayCore
import Signatures

/// This binary's `gateway serve` on a fresh embedded database in a temporary folder, with the
/// given partners' endpoints pointed at simulated ones, for the benchmarks that measure the
/// gateway from outside; stopped (and its folder removed) by `stop()`.
final class GatewayUnderTest {
    let process: Process
    let port: Int
    let directory: String
    let client: GatewayClient

    init(gateway: String, root: String, endpoints: [String: String], clients: Int) throws {
        port = try Self.freePort()
        directory = NSTemporaryDirectory() + "gateway-bench-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        process = Process()
        process.executableURL = URL(fileURLWithPath: gateway)
        process.arguments = ["serve", "--port", String(port), "--database", "sqlite:\(directory)/gateway.sqlite"]
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        process.environment = ProcessInfo.processInfo.environment.merging(endpoints) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        client = GatewayClient(port: port, threads: DeliveryThreads(count: clients))
        try process.run()
    }

    /// The gateway with MOIT's and customs-core's endpoints simulated (each takes every delivery with 202).
    static func withSimulatedMOITAndCustoms(gateway: String, root: String,
                                            clients: Int) async throws -> (GatewayUnderTest, moit: SimulatedPartner, customs: SimulatedPartner) {
        let moit = try await SimulatedPartner.start()
        let customs = try await SimulatedPartner.start()
        do {
            let server = try GatewayUnderTest(gateway: gateway, root: root,
                                              endpoints: ["GATEWAY_PARTNER_MOIT_URL": moit.url, "GATEWAY_PARTNER_CUSTOMS_CORE_URL": customs.url],
                                              clients: clients)
            return (server, moit, customs)
        } catch {
            moit.stop()
            customs.stop()
            throw error
        }
    }

    func stop() {
        client.threads.stop()
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
    }

    var cpu: ProcessCPU { ProcessCPU(pid: process.processIdentifier) }

    func post(_ body: [UInt8], as partner: String) async -> (status: Int?, seconds: Double) {
        await client.post(body, as: partner)
    }

    func waitUntilHealthy() async throws {
        for _ in 0..<300 {
            if await client.post([], as: "nobody").status == 404 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Self.failure("gateway serve did not start on port \(port)")
    }

    /// Waits until `done` holds, for at most `seconds`.
    static func wait(upTo seconds: Double, for done: () -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !done() && Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        return done()
    }

    private static func freePort() throws -> Int {
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

    static func failure(_ message: String) -> GatewayError { GatewayError(.internalError, message) }

    /// A partner's sample under `MessageSpecs/`.
    static func sample(_ path: String, root: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: "\(root)/MessageSpecs/\(path)") else {
            throw failure("The sample MessageSpecs/\(path) is missing; run from the repository or give --root.")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The demo signer of a partner (`Certificates/demo/<party>`).
    static func signer(_ party: String, root: String) throws -> MessageSigner {
        let folder = "\(root)/Certificates/demo/\(party)"
        return try MessageSigner(keyFile: "\(folder)/key.pem", certificateFile: "\(folder)/cert.pem")
    }
}

/// Posts to the gateway under test as a partner does, from any task.
struct GatewayClient: Sendable {
    let port: Int
    let threads: DeliveryThreads
    let poster = HTTPPoster()

    /// The HTTP status (nil without an answer) and the seconds it took.
    func post(_ body: [UInt8], as partner: String) async -> (status: Int?, seconds: Double) {
        let request = HTTPPoster.Request(url: "http://127.0.0.1:\(port)/v1/partners/\(partner)/messages", contentType: "application/octet-stream",
                                         body: body, connectTimeout: 5, totalTimeout: 60)
        let begin = Date()
        let response = await threads.run { [poster] in poster.post(request) }
        return (response.status, Date().timeIntervalSince(begin))
    }
}
