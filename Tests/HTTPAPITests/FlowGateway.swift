import Access
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
import Testing
import TestSupport

/// A gateway for flow scenarios: a fresh embedded store, partners' endpoints pointing at fake
/// partner servers, the outbox worker, and the HTTP routes a partner posts to.
struct FlowGateway {
    static let root = RepositoryPaths.root
    static let specs: SpecRegistry = {
        do { return try SpecRegistry(directory: root + "/MessageSpecs") } catch { preconditionFailure("\(error)") }
    }()
    static let threads = DeliveryThreads(count: 4)

    let store: GatewayStore
    let pipeline: InboundPipeline
    let worker: OutboxWorker

    enum Database: String, CaseIterable, Sendable { case sqlite, postgres }

    /// `endpoints`: partner id → fake partner that receives its deliveries.
    static func start(endpoints: [String: FakePartner] = [:], clock: any GatewayClock = SystemClock(),
                      database: Database = .sqlite) async throws -> FlowGateway {
        var environment: [String: String] = [:]
        for (partner, fake) in endpoints {
            environment[PartnerRegistry.urlVariable(of: partner)] = fake.url
        }
        let partners = try PartnerRegistry(directory: root + "/Partners", specs: specs, environment: environment)
        let location: DatabaseLocation
        switch database {
        case .sqlite:
            location = .sqlite(path: temporaryDirectory("flow") + "/gateway.sqlite")
        case .postgres:
            location = .postgres(url: try await TestPostgres.freshDatabase("flow"))
        }
        let store = try await GatewayStore.open(location)
        let pipeline = try InboundPipeline(specs: specs, partners: partners, store: store, receiptSigner: try signer("gateway"), clock: clock)
        let worker = OutboxWorker(store: store, plan: PartnerDeliveryPlan(runtime: pipeline.runtime), threads: threads, clock: clock, lease: 60)
        return FlowGateway(store: store, pipeline: pipeline, worker: worker)
    }

    /// Partners posting to `POST /v1/partners/{partner}/messages`.
    func http(_ scenario: @escaping @Sendable (PartnerClient) async throws -> Void) async throws {
        try await Application(router: GatewayServer.router(pipeline: pipeline, access: .test)).test(.router) { client in
            try await scenario(PartnerClient(client: client))
        }
    }

    /// Delivers until nothing is due: every message queued so far and whatever its answers caused.
    func deliverAll() async throws {
        while try await worker.deliverDue() > 0 {}
    }

    func outbound(_ type: String) async throws -> [StoredMessage] {
        try await store.messages(direction: .outbound).filter { $0.messageType == type }
    }

    func status(_ kind: CaseKind, _ key: String) async throws -> String? {
        try await store.timeline(kind: kind, key: key)?.status?.rawValue
    }

    static func signer(_ party: String, scheme: SignatureScheme? = nil) throws -> MessageSigner {
        let folder = root + "/Certificates/demo/\(party)"
        return try MessageSigner(keyFile: "\(folder)/key.pem", certificateFile: "\(folder)/cert.pem", chainFile: "\(folder)/chain.pem",
                                 jwsScheme: scheme)
    }

    static func sample(_ path: String) -> String {
        let bytes = read(root + "/MessageSpecs/" + path)
        precondition(!bytes.isEmpty, "there is no sample MessageSpecs/\(path)")
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A partner's sample, changed where a scenario needs it, signed by `party`.
    static func signed(_ path: String, by party: String, scheme: SignatureScheme? = nil, changing changes: [(String, String)] = []) throws -> [UInt8] {
        var text = sample(path)
        for (old, new) in changes {
            precondition(text.contains(old), "\(old) is not in \(path)")
            text = text.replacingOccurrences(of: old, with: new)
        }
        return try signer(party, scheme: scheme).sign(Array(text.utf8))
    }

    /// The JSON members of a JWS's payload or of a JSON body.
    static func members(_ body: [UInt8]) throws -> [String: Any] {
        let text = String(decoding: body, as: UTF8.self)
        let json = text.hasPrefix("{") ? body : try UnverifiedPayload.of(text)
        return try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
    }

    /// A produced JSON message compared member by member with the partner's sample, except the
    /// members the gateway generates (ids and times).
    static func expectSameMembers(_ produced: [UInt8], as samplePath: String, except generated: Set<String>,
                                  sourceLocation: SourceLocation = #_sourceLocation) throws {
        var actual = try members(produced)
        var expected = try #require(try JSONSerialization.jsonObject(with: Data(sample(samplePath).utf8)) as? [String: Any])
        for key in generated {
            #expect(actual[key] != nil || expected[key] == nil, "\(key) is generated", sourceLocation: sourceLocation)
            actual[key] = nil
            expected[key] = nil
        }
        #expect(NSDictionary(dictionary: actual).isEqual(to: expected), "\(actual) differs from \(samplePath)", sourceLocation: sourceLocation)
    }
}

/// One partner posting messages and reading the answers.
struct PartnerClient {
    let client: any TestClientProtocol

    struct Answer {
        let status: Int
        let contentType: String?
        let body: [UInt8]
        var error: String? { (try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])?["error"] as? String }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    func post(_ partner: String, _ body: [UInt8]) async throws -> Answer {
        try await client.execute(uri: "/v1/partners/\(partner)/messages", method: .post,
                                 headers: [.contentType: MediaTypes.of(signed: body)], body: ByteBuffer(bytes: body)) { response in
            Answer(status: Int(response.status.code), contentType: response.headers[.contentType], body: Array(buffer: response.body))
        }
    }

    /// What an officer reads: the tracking API and page.
    /// A read as a signed-in officer.
    func get(_ uri: String) async throws -> Answer {
        try await client.execute(uri: uri, method: .get, headers: AccessControl.officer) { response in
            Answer(status: Int(response.status.code), contentType: response.headers[.contentType], body: Array(buffer: response.body))
        }
    }
}

extension AccessControl {
    /// The tests' credentials, with limits no functional test reaches.
    static let test = AccessControl(credentials: TestAccess.credentials, sessionKey: TestAccess.sessionKey, readsPerSecond: 10_000)

    /// An officer's token for the API and session cookie for the page.
    static var officer: HTTPFields {
        let session = test.sessions.newSession(for: "officer-huong", at: Date())
        return [.authorization: TestAccess.bearer(TestAccess.officerToken), .cookie: "\(SessionSigner.cookieName)=\(test.sessions.cookieValue(session))"]
    }
}
