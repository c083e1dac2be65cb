import Access
import Delivery
import Foundation
import GatewayCore
import HTTPAPI
import Hub
import Hummingbird
import ServiceLifecycle
import MessageSpecs
import Signatures
import Store

/// `gateway demo`: the gateway on a fresh embedded database, the partners simulated in process
/// (each signing with its own demo certificate from `Certificates/demo`), and the world's
/// example chain played through all four flows over real HTTP — every message printed as it
/// passes, the timelines at the end, and the tracking page left open.
public struct GatewayDemo {
    public let root: String
    public let database: String
    public let port: Int
    public let once: Bool

    public init(root: String, database: String, port: Int, once: Bool) {
        self.root = root
        self.database = database
        self.port = port
        self.once = once
    }

    public func run(write: @escaping @Sendable (String) -> Void) async throws {
        let printer = DemoPrinter(write: write)
        if FileManager.default.fileExists(atPath: database) {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        }
        let specs = try SpecRegistry(directory: root + "/MessageSpecs")
        var signers: [String: MessageSigner] = [:]
        for partner in ["moit", "mard", "moh", "bank-vcb", "bank-bidv", "customs-core", "asw-th", "asw-sg"] {
            let folder = "\(root)/Certificates/demo/\(partner)"
            signers[partner] = try MessageSigner(keyFile: "\(folder)/key.pem", certificateFile: "\(folder)/cert.pem",
                                                 chainFile: "\(folder)/chain.pem", jwsScheme: partner == "bank-vcb" ? .ps256 : nil)
        }
        let simulated = try await SimulatedPartners.start(specs: specs, signers: signers, printer: printer)
        var environment: [String: String] = [:]
        for partner in ["moit", "customs-core", "bank-vcb", "asw-th", "asw-sg"] {
            environment[PartnerRegistry.urlVariable(of: partner)] = simulated.url(of: partner)
        }
        let partners = try PartnerRegistry(directory: root + "/Partners", specs: specs, environment: environment)
        let store = try await GatewayStore.open(.sqlite(path: database))
        let runtime = try FlowRuntime(specs: specs, partners: partners, store: store)
        let plan = PartnerDeliveryPlan(runtime: runtime)
        let threads = DeliveryThreads(count: OutboxWorker.threads(for: plan, perPartner: 2))
        let worker = OutboxWorker(store: store, plan: plan, threads: threads, perPartner: 2, logger: DemoPrinter.quietLogger)
        let folder = root + "/Certificates/demo/gateway"
        let receipts = try MessageSigner(keyFile: folder + "/key.pem", certificateFile: folder + "/cert.pem", chainFile: folder + "/chain.pem")
        let pipeline = try InboundPipeline(runtime: runtime, receiptSigner: receipts, onQueued: { worker.wake(partners: $0) })
        // The tracking page and the console sign in with demo credentials made afresh beside the
        // demo's database (shown once the story is told, as they differ at each run).
        let credentialsFile = (database as NSString).deletingLastPathComponent + "/demo-credentials.yaml"
        try? FileManager.default.removeItem(atPath: credentialsFile)
        let issued = try CredentialFile.demo(to: credentialsFile)
        let access = AccessControl(credentials: try Credentials.load(credentialsFile, partners: Set(partners.partners.keys)),
                                   sessionKey: Secret.randomBytes(32))
        let server = try GatewayServer.application(ServerConfiguration(host: "127.0.0.1", port: port), pipeline: pipeline, access: access,
                                                   logger: DemoPrinter.quietLogger)
        // Ctrl-C (or SIGTERM) ends the demo gracefully, as `once` does after the timelines.
        let group = ServiceGroup(configuration: .init(services: [server], gracefulShutdownSignals: [.sigint, .sigterm],
                                                      logger: DemoPrinter.quietLogger))
        let serving = Task { try await group.run() }
        let delivering = Task { await worker.run(interval: .milliseconds(100)) }
        defer { threads.stop() }
        let poster = HTTPPoster()
        let gateway = "http://127.0.0.1:\(port)"
        try await waitUntilServing(gateway, poster: poster, threads: threads)
        printer.line("The gateway listens on \(gateway); the partners' servers on 127.0.0.1:\(simulated.port).")

        for step in DemoScript.steps {
            if let flow = step.flow { printer.heading(flow) }
            var text = String(decoding: FileManager.default.contents(atPath: "\(root)/MessageSpecs/\(step.sample)") ?? Data(), as: UTF8.self)
            if let reference = step.acknowledges, let formD = simulated.formDs(receivedBy: step.partner).last {
                text = text.replacingOccurrences(of: reference, with: formD)
            }
            guard let signer = signers[step.partner] else { continue }
            let body = try signer.sign(Array(text.utf8))
            let request = HTTPPoster.Request(url: "\(gateway)/v1/partners/\(step.partner)/messages",
                                             contentType: MediaTypes.of(signed: body), body: body,
                                             connectTimeout: 5, totalTimeout: 30)
            let response = await threads.run { poster.post(request) }
            let type = (step.sample.split(separator: "/").last.map(String.init) ?? step.sample)
            printer.post(from: step.partner, type: type, answer: Self.describe(response))
            try await waitForDeliveries(store)
            printer.flushDeliveries(sender: step.partner)
        }

        printer.heading("Timelines")
        let tracking = CaseTracking(runtime: runtime)
        for (kind, key) in try await store.cases() {
            guard let found = try await tracking.search(key) else { continue }
            let related = found.related.isEmpty ? "" : " (" + found.related.map { "\($0.kind) \($0.key)" }.joined(separator: ", ") + ")"
            printer.line("\n\(kind.rawValue) \(key)\(related): \(found.status?.rawValue ?? "no status yet")")
            for event in found.events {
                printer.line("  \(VietnamTime.timestamp(event.at))  \((event.status?.rawValue ?? "-").padding(toLength: 21, withPad: " ", startingAt: 0)) \(event.event.padding(toLength: 20, withPad: " ", startingAt: 0)) \(event.partner)\(event.detail.map { " — \($0)" } ?? "")")
            }
        }
        if once {
            await group.triggerGracefulShutdown()
        } else {
            printer.line("\nThe tracking page: \(gateway)/  (try 00125/2025/GPNK-BCT, IA-2025-000457, VCB20250312004567, SG25-D-0007731);"
                         + " the operators' console: \(gateway)/console. Ctrl-C stops.")
            for credential in issued {
                printer.line("Sign in as \(credential.name) (\(credential.role.rawValue)) with the password \(credential.password ?? "-")")
            }
        }
        _ = try? await serving.value
        // Deliveries stop (all were made) before the store closes; then the partners' servers.
        delivering.cancel()
        await delivering.value
        await store.close()
        await simulated.stop()
    }

    /// The status and what the gateway answered, in a few words.
    static func describe(_ response: HTTPPoster.Response) -> String {
        guard let status = response.status else { return "no answer: \(response.failure ?? "?")" }
        let text = String(decoding: response.body.prefix(4000), as: UTF8.self)
        if let json = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] {
            if let code = json["error"] as? String { return "\(status) \(code)" }
            if let results = json["results"] as? [[String: Any]] {
                return "\(status) NotificationResult " + results.map { ($0["status"] as? String ?? "?") + (($0["reasonCode"] as? String).map { " \($0)" } ?? "") }
                    .joined(separator: ", ")
            }
        }
        if text.hasPrefix("<"), let range = text.range(of: "<Status>"), let end = text.range(of: "</Status>") {
            return "\(status) ACK \(text[range.upperBound..<end.lowerBound])"
        }
        return status == 202 ? "202 Accepted (signed receipt)" : "\(status)"
    }

    private func waitUntilServing(_ gateway: String, poster: HTTPPoster, threads: DeliveryThreads) async throws {
        // An unknown partner is answered 404 as soon as the routes serve.
        let probe = HTTPPoster.Request(url: gateway + "/v1/partners/nobody/messages", contentType: "text/plain", body: [],
                                       connectTimeout: 1, totalTimeout: 2)
        for _ in 0..<100 {
            if await threads.run({ poster.post(probe) }).status == 404 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw GatewayError(.internalError, "The gateway did not start on \(gateway).")
    }

    /// Each step waits for what it caused: a decision is valid only once MOIT took the application.
    private func waitForDeliveries(_ store: GatewayStore) async throws {
        for _ in 0..<300 {
            if try await store.undelivered() == 0 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw GatewayError(.internalError, "Deliveries did not finish within 15 seconds.")
    }
}
