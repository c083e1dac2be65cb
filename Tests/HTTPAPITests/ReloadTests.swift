import Delivery
import Foundation
import GatewayCore
import HTTPAPI
import Hub
import Hummingbird
import HummingbirdTesting
import MessageSpecs
import Signatures
import Store
import Synchronization
import Testing
import TestSupport

/// The partner files, their trust directories and CRLs reloaded without a restart
/// (`POST /v1/admin/reload`, as SIGHUP does): in force for the next message, refused whole with
/// file and line when they do not load, a signer rotated with an overlap, and no message refused
/// while configurations are swapped under load.
@Suite struct ReloadTests {
    static let operatorHeaders: HTTPFields = [.authorization: TestAccess.bearer(TestAccess.operatorToken)]
    static let signer = "CN=core-signing.customs.example,OU=Customs Core,*"

    /// A copy of the shipped partner files beside the repository's certificates.
    static func partnersDirectory() throws -> String {
        let root = temporaryDirectory("reload")
        try FileManager.default.createSymbolicLink(atPath: root + "/Certificates", withDestinationPath: RepositoryPaths.root + "/Certificates")
        try FileManager.default.copyItem(atPath: RepositoryPaths.root + "/Partners", toPath: root + "/Partners")
        return root + "/Partners"
    }

    static func edit(_ directory: String, _ file: String, _ old: String, _ new: String) throws {
        let path = "\(directory)/\(file)"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        precondition(text.contains(old), "\(old) is not in \(file)")
        try text.replacingOccurrences(of: old, with: new).write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func gateway(_ directory: String) async throws -> (InboundPipeline, GatewayStore) {
        let partners = try PartnerRegistry(directory: directory, specs: FlowGateway.specs, environment: [:])
        let store = try await GatewayStore.open(.sqlite(path: temporaryDirectory("reload-store") + "/gateway.sqlite"))
        let pipeline = try InboundPipeline(specs: FlowGateway.specs, partners: partners, store: store, receiptSigner: try FlowGateway.signer("gateway"))
        return (pipeline, store)
    }

    static func application(_ index: Int) throws -> [UInt8] {
        let text = String(decoding: InboundPipelineTests.sample(InboundPipelineTests.application), as: UTF8.self)
            .replacingOccurrences(of: "a5f477c5-a93c-4854-a334-1ce63fb8f111", with: UUID().uuidString.lowercased())
            .replacingOccurrences(of: "IA-2025-000418", with: String(format: "IA-2025-%06d", 500 + index))
        return try FlowGateway.signer("customs-core").sign(Array(text.utf8))
    }

    static func post(_ client: some TestClientProtocol, _ body: [UInt8]) async throws -> (status: Int, error: String?, message: String) {
        try await client.execute(uri: "/v1/partners/customs-core/messages", method: .post,
                                 headers: [.contentType: MediaTypes.of(signed: body)], body: ByteBuffer(bytes: body)) { response in
            let json = try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            return (Int(response.status.code), json?["error"] as? String, json?["message"] as? String ?? "")
        }
    }

    @Test func aReloadTakesEffectForTheNextMessageAndABrokenOneChangesNothing() async throws {
        let directory = try Self.partnersDirectory()
        let (pipeline, store) = try await Self.gateway(directory)
        let router = GatewayServer.router(pipeline: pipeline, access: .test, onReload: { () throws(GatewayError) in try pipeline.reloadPartners(environment: [:]).partners.count })
        try await Application(router: router).test(.router) { client in
            #expect(try await Self.post(client, try Self.application(1)).status == 202)

            try Self.edit(directory, "customs-core.yaml", "sends: [customs-core/ImportApplication, ", "sends: [")
            try await client.execute(uri: "/v1/admin/reload", method: .post, headers: Self.operatorHeaders) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("\"partners\":8"))
            }
            let refused = try await Self.post(client, try Self.application(2))
            #expect(refused.status == 403 && refused.error == "NOT_ALLOWED", "customs-core no longer sends applications: \(refused)")

            try Self.edit(directory, "customs-core.yaml", "sends: [", "sends: [customs-core/ImportApplication, ")
            try Self.edit(directory, "moit.yaml", "kind: ministry", "kind: wizard")
            try await client.execute(uri: "/v1/admin/reload", method: .post, headers: Self.operatorHeaders) { response in
                #expect(response.status == .unprocessableContent)
                let text = String(buffer: response.body)
                #expect(text.contains("CONFIGURATION_REFUSED") && text.contains("moit.yaml:4: kind must be") && text.contains("the ones in force stay"), "\(text)")
            }
            let stillRefused = try await Self.post(client, try Self.application(3))
            #expect(stillRefused.status == 403, "the broken files changed nothing: the configuration in force is the last good one")
            try await client.execute(uri: "/v1/admin/reload", method: .post,
                                     headers: [.authorization: TestAccess.bearer(TestAccess.officerToken)]) { #expect($0.status == .forbidden) }
        }
        await store.close()
    }

    @Test func aRotatedSignerIsAcceptedDuringItsOverlapAndRefusedAfter() async throws {
        let directory = try Self.partnersDirectory()
        // The new signer's pattern first; the current certificate kept as the one being retired.
        try Self.edit(directory, "customs-core.yaml", "  subjects: [\"\(Self.signer)\"]",
                      "  subjects: [\"CN=core-signing-2027.customs.example,*\"]\n  retiring:\n    until: 2099-01-01T00:00:00+07:00\n    subjects: [\"\(Self.signer)\"]")
        let (pipeline, store) = try await Self.gateway(directory)
        let router = GatewayServer.router(pipeline: pipeline, access: .test, onReload: { () throws(GatewayError) in try pipeline.reloadPartners(environment: [:]).partners.count })
        try await Application(router: router).test(.router) { client in
            #expect(try await Self.post(client, try Self.application(10)).status == 202, "the old signer is accepted during the overlap")
            try Self.edit(directory, "customs-core.yaml", "until: 2099-01-01T00:00:00+07:00", "until: 2020-01-01T00:00:00+07:00")
            try await client.execute(uri: "/v1/admin/reload", method: .post, headers: Self.operatorHeaders) { #expect($0.status == .ok) }
            let after = try await Self.post(client, try Self.application(11))
            #expect(after.status == 403 && after.message.contains("was retired as a signer of customs-core"), "\(after)")
        }
        await store.close()
    }

    @Test func noMessageIsRefusedWhileConfigurationsAreSwappedUnderLoad() async throws {
        let directory = try Self.partnersDirectory()
        let (pipeline, store) = try await Self.gateway(directory)
        let router = GatewayServer.router(pipeline: pipeline, access: .test, onReload: { () throws(GatewayError) in try pipeline.reloadPartners(environment: [:]).partners.count })
        let threads = DeliveryThreads(count: 5)
        defer { threads.stop() }
        let poster = HTTPPoster()
        let started = ContinuousClock.now
        try await Application(router: router).test(.live) { client in
            let base = "http://127.0.0.1:\(try #require(client.port))"
            let bodies = try (0..<200).map { try Self.application(100 + $0) }
            let statuses = Collected<Int>()
            let reloads = Collected<Int>()
            await withTaskGroup(of: Void.self) { group in
                for lane in 0..<4 {
                    group.addTask {
                        for body in bodies[(lane * 50)..<(lane * 50 + 50)] {
                            let request = HTTPPoster.Request(url: base + "/v1/partners/customs-core/messages", contentType: MediaTypes.of(signed: body),
                                                             body: body, connectTimeout: 5, totalTimeout: 20)
                            let status = await threads.run { poster.post(request) }.status ?? 0
                            statuses.add(status)
                        }
                    }
                }
                group.addTask {
                    // Alternates between the signer listed as current and the same one being retired: both accept it.
                    let current = "  subjects: [\"\(Self.signer)\"]"
                    let overlapping = "  subjects: [\"CN=next.customs.example,*\"]\n  retiring: {until: 2099-01-01T00:00:00+07:00, subjects: [\"\(Self.signer)\"]}"
                    for round in 0..<10 {
                        try? Self.edit(directory, "customs-core.yaml", round % 2 == 0 ? current : overlapping, round % 2 == 0 ? overlapping : current)
                        // As SIGHUP does it, from a thread of its own.
                        let status = await threads.run { (try? pipeline.reloadPartners(environment: [:])) == nil ? 422 : 200 }
                        reloads.add(status)
                        try? await Task.sleep(for: .milliseconds(30))
                    }
                }
            }
            let all = statuses.values
            let refused = all.filter { $0 != 202 }.count
            let reloaded = reloads.values
            print("reload under load: \(all.count) messages, \(reloaded.filter { $0 == 200 }.count) reloads between two signer configurations, \(refused) refused, \(String(format: "%.1f", (ContinuousClock.now - started) / .seconds(1))) s")
            #expect(all.count == 200 && refused == 0, "\(all.filter { $0 != 202 })")
            #expect(reloaded.count == 10 && reloaded.allSatisfy { $0 == 200 }, "\(reloaded)")
        }
        await store.close()
    }
}

/// Values added from any task.
final class Collected<Value: Sendable>: Sendable {
    private let collected = Mutex<[Value]>([])
    func add(_ value: Value) { collected.withLock { $0.append(value) } }
    var values: [Value] { collected.withLock { $0 } }
}
