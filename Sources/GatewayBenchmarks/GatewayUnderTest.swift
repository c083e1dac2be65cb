import Access
import Delivery
import Foundation
import GatewayCore
import Hub
import LocalPostgres
import Signatures
import Synchronization

/// Where the gateways under test keep their store.
public enum BenchDatabase: Sendable {
    /// A fresh embedded database in a temporary folder (one instance only).
    case sqlite
    /// A throwaway PostgreSQL server of the benchmark's own on loopback.
    case localPostgres
    /// A PostgreSQL database someone else runs: a fresh, empty one.
    case postgres(url: String)

    /// `sqlite`, `postgres` (a throwaway server) or a `postgres://` URL.
    public init(_ text: String?) throws {
        switch text {
        case nil, "sqlite"?: self = .sqlite
        case "postgres"?: self = .localPostgres
        case let url? where url.hasPrefix("postgres://") || url.hasPrefix("postgresql://"): self = .postgres(url: url)
        case let other?: throw GatewayError(.configurationInvalid, "--database \(other) is neither sqlite, postgres nor a postgres:// URL.")
        }
    }
}

/// This binary's `gateway serve`, `instances` of them on one database (a fresh embedded one in a
/// temporary folder, or PostgreSQL), with the given partners' endpoints pointed at simulated
/// ones, for the benchmarks that measure the gateway from outside; clients' requests go to the
/// instances in turn, as a load balancer's would. Stopped (and its folder removed) by `stop()`.
final class GatewayUnderTest {
    let processes: [Process]
    let directory: String
    let client: GatewayClient
    let description: String
    private let postgres: LocalPostgres?

    init(gateway: String, root: String, endpoints: [String: String], clients: Int,
         database: BenchDatabase = .sqlite, instances: Int = 1) throws {
        directory = NSTemporaryDirectory() + "gateway-bench-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let url: String
        switch database {
        case .sqlite:
            guard instances == 1 else {
                throw Self.failure("Several instances share a PostgreSQL database: give --database postgres or a postgres:// URL.")
            }
            url = "sqlite:\(directory)/gateway.sqlite"
            postgres = nil
            description = "SQLite, 1 instance"
        case .localPostgres:
            let server = try LocalPostgres.start()
            postgres = server
            url = server.url
            description = "PostgreSQL (a throwaway server on this machine), \(instances) instance\(instances == 1 ? "" : "s")"
        case .postgres(let given):
            url = given
            postgres = nil
            description = "PostgreSQL \(given.replacingOccurrences(of: #"://([^:@/]+):[^@/]*@"#, with: "://$1:***@", options: .regularExpression)), \(instances) instance\(instances == 1 ? "" : "s")"
        }
        // Credentials of the bench's own, made before the instances start (they would each make one).
        try CredentialFile.demo(to: "\(directory)/credentials.yaml")
        _ = try CredentialFile.sessionKey(environment: [:], file: "\(directory)/session.key")
        var ports: [Int] = [], processes: [Process] = []
        for _ in 0..<max(instances, 1) {
            let port = try LocalPostgres.freePort()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: gateway)
            process.arguments = ["serve", "--port", String(port), "--database", url,
                                 "--credentials", "\(directory)/credentials.yaml", "--session-key", "\(directory)/session.key"]
            process.currentDirectoryURL = URL(fileURLWithPath: root)
            process.environment = ProcessInfo.processInfo.environment.merging(endpoints) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            ports.append(port)
            processes.append(process)
        }
        self.processes = processes
        client = GatewayClient(ports: ports, threads: DeliveryThreads(count: clients))
    }

    /// The gateway with MOIT's and customs-core's endpoints simulated (each takes every delivery with 202).
    static func withSimulatedMOITAndCustoms(gateway: String, root: String, clients: Int, database: BenchDatabase = .sqlite,
                                            instances: Int = 1) async throws -> (GatewayUnderTest, moit: SimulatedPartner, customs: SimulatedPartner) {
        let moit = try await SimulatedPartner.start()
        let customs = try await SimulatedPartner.start()
        do {
            let server = try GatewayUnderTest(gateway: gateway, root: root,
                                              endpoints: ["GATEWAY_PARTNER_MOIT_URL": moit.url, "GATEWAY_PARTNER_CUSTOMS_CORE_URL": customs.url],
                                              clients: clients, database: database, instances: instances)
            return (server, moit, customs)
        } catch {
            moit.stop()
            customs.stop()
            throw error
        }
    }

    func stop() {
        client.threads.stop()
        for process in processes { process.terminate() }
        for process in processes { process.waitUntilExit() }
        postgres?.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The CPU of every instance together.
    var cpu: ProcessCPU { ProcessCPU(pids: processes.map(\.processIdentifier)) }

    func post(_ body: [UInt8], as partner: String) async -> (status: Int?, seconds: Double) {
        await client.post(body, as: partner)
    }

    func waitUntilHealthy() async throws {
        for port in client.ports {
            var up = false
            for _ in 0..<300 where !up {
                up = await client.post([], as: "nobody", port: port).status == 404
                if !up { try await Task.sleep(for: .milliseconds(100)) }
            }
            guard up else { throw Self.failure("gateway serve did not start on port \(port)") }
        }
    }

    /// Waits until `done` holds, for at most `seconds`.
    static func wait(upTo seconds: Double, for done: () -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !done() && Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        return done()
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

/// Posts to the gateways under test as a partner does, from any task, to each instance in turn.
struct GatewayClient: Sendable {
    let ports: [Int]
    let threads: DeliveryThreads
    let poster = HTTPPoster()
    private let turn = Turn()

    init(ports: [Int], threads: DeliveryThreads) {
        self.ports = ports
        self.threads = threads
    }

    /// The HTTP status (nil without an answer) and the seconds it took.
    func post(_ body: [UInt8], as partner: String, port chosen: Int? = nil) async -> (status: Int?, seconds: Double) {
        let port = chosen ?? ports[turn.next.add(1, ordering: .relaxed).oldValue % ports.count]
        let request = HTTPPoster.Request(url: "http://127.0.0.1:\(port)/v1/partners/\(partner)/messages", contentType: MediaTypes.of(signed: body),
                                         body: body, connectTimeout: 5, totalTimeout: 60)
        let begin = Date()
        let response = await threads.run { [poster] in poster.post(request) }
        return (response.status, Date().timeIntervalSince(begin))
    }

    private final class Turn: Sendable {
        let next = Atomic<Int>(0)
    }
}
