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

/// Partners posting signed messages to `POST /v1/partners/{partner}/messages`, flow 1 steps
/// 1a–1b, and every answer of world §1.3 — in process, on a fresh embedded store.
@Suite struct InboundPipelineTests {
    static let root = RepositoryPaths.root
    static let specs: SpecRegistry = {
        do { return try SpecRegistry(directory: root + "/MessageSpecs") } catch { preconditionFailure("\(error)") }
    }()

    struct Gateway {
        let store: GatewayStore
        let pipeline: InboundPipeline
    }

    enum Database: String, CaseIterable, Sendable { case sqlite, postgres }

    static func gateway(on database: Database = .sqlite) async throws -> Gateway {
        let partners = try PartnerRegistry(directory: root + "/Partners", specs: specs, environment: [:])
        let location: DatabaseLocation
        switch database {
        case .sqlite:
            location = .sqlite(path: temporaryDirectory("pipeline") + "/gateway.sqlite")
        case .postgres:
            location = .postgres(url: try await TestPostgres.freshDatabase("pipeline"))
        }
        let store = try await GatewayStore.open(location)
        let receipts = try signer("gateway")
        return Gateway(store: store, pipeline: try InboundPipeline(specs: specs, partners: partners, store: store, receiptSigner: receipts))
    }

    static func signer(_ party: String) throws -> MessageSigner {
        let folder = root + "/Certificates/demo/\(party)"
        return try MessageSigner(keyFile: "\(folder)/key.pem", certificateFile: "\(folder)/cert.pem", chainFile: "\(folder)/chain.pem")
    }

    static func sample(_ path: String) -> [UInt8] { read(root + "/MessageSpecs/" + path) }

    static func signed(_ path: String, by party: String, replacing old: String? = nil, with new: String = "") throws -> [UInt8] {
        var text = String(decoding: sample(path), as: UTF8.self)
        if let old {
            precondition(text.contains(old), "\(old) is not in \(path)")
            text = text.replacingOccurrences(of: old, with: new)
        }
        return try signer(party).sign(Array(text.utf8))
    }

    static let application = "customs-core/ImportApplication.v2/samples/ImportApplication-01.json"
    static let decision = "moit/LicenceDecision.v1/samples/LicenceDecision-01.xml"

    func post(_ client: some TestClientProtocol, _ partner: String, _ body: [UInt8],
              _ check: @escaping @Sendable (TestResponse) async throws -> Void) async throws {
        try await client.execute(uri: "/v1/partners/\(partner)/messages", method: .post,
                             headers: [.contentType: MediaTypes.of(signed: body)], body: ByteBuffer(bytes: body)) { try await check($0) }
    }

    static func errorCode(_ response: TestResponse) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])?["error"] as? String
    }

    @Test func anApplicationIsAcceptedWithASignedReceiptAndQueuedForMOIT() async throws {
        let gateway = try await Self.gateway()
        let body = try Self.signed(Self.application, by: "customs-core")
        try await Application(router: GatewayServer.router(pipeline: gateway.pipeline)).test(.router) { client in
            try await post(client, "customs-core", body) { response in
                #expect(response.status == .accepted)
                #expect(response.headers[.contentType] == "application/jose")
                let trust = SignerTrust.standard(store: try TrustStore(directory: Self.root + "/Certificates/demo/trust/vn"))
                let receipt = try JWSVerifier(trust: trust).verify(String(buffer: response.body), at: Date())
                #expect(receipt.signature.signer.subject.hasPrefix("CN=nsw-gateway-signing.example"))
                let payload = String(decoding: receipt.payload, as: UTF8.self)
                #expect(payload.contains("\"digest\":\"sha256:\(Digest.sha256Hex(body))\""))
                #expect(payload.contains("\"status\":\"ACCEPTED\""))
            }
        }
        let outbound = try await gateway.store.messages(direction: .outbound)
        #expect(outbound.count == 1)
        let application = try #require(outbound.first)
        #expect(application.partner == "moit")
        #expect(application.messageType == "moit/ImportLicenceApplication")
        #expect(try await gateway.store.outboxState(of: application.id) == .pending)
        // What MOIT will get is signed by the gateway and valid against MOIT's schema.
        let moitTrust = SignerTrust.standard(store: try TrustStore(directory: Self.root + "/Certificates/demo/trust/vn"))
        let verified = try SignedMessageVerifier(trust: moitTrust).verify(application.body, at: Date())
        #expect(verified.signature.format == .xmlDSig)
        #expect(try Self.specs.read(application.body).spec.key == "moit/ImportLicenceApplication")
        await gateway.store.close()
    }

    /// A failure inside the gateway answers 500 with an incident number the operators find in the
    /// log, never the database's or a library's own text; the database away answers 503 to retry on.
    @Test func aFailureInsideTheGatewayShowsNoInternalText() async throws {
        let path = temporaryDirectory("incident") + "/gateway.sqlite"
        let partners = try PartnerRegistry(directory: Self.root + "/Partners", specs: Self.specs, environment: [:])
        let store = try await GatewayStore.open(.sqlite(path: path))
        let pipeline = try InboundPipeline(specs: Self.specs, partners: partners, store: store, receiptSigner: try Self.signer("gateway"))
        // Behind the gateway's back, as a broken upgrade or an operator's mistake would.
        let dropped = Command.run("/usr/bin/sqlite3", [path, "DROP TABLE audit_head"])
        #expect(dropped.status == 0, "\(dropped.standardError)")
        let answer = await pipeline.receive(from: "customs-core", try Self.signed(Self.application, by: "customs-core"))
        let text = String(decoding: answer.body, as: UTF8.self)
        #expect(answer.status == 500)
        #expect(text.contains("INTERNAL_ERROR") && text.contains("incident INC-"), "\(text)")
        for leak in ["audit_head", "SQLite", "sqlite", "Error(", "/work/", ".swift"] {
            #expect(!text.contains(leak), "the answer shows \(leak): \(text)")
        }
        await store.close()
    }

    @Test(arguments: Database.allCases)
    func aRetransmissionGetsTheFirstReceiptAndOtherBytesAConflict(_ database: Database) async throws {
        let gateway = try await Self.gateway(on: database)
        let body = try Self.signed(Self.application, by: "customs-core")
        let changed = try Self.signed(Self.application, by: "customs-core", replacing: "\"requestedValidUntil\": \"2025-12-31\"",
                                      with: "\"requestedValidUntil\": \"2025-11-30\"")
        try await Application(router: GatewayServer.router(pipeline: gateway.pipeline)).test(.router) { client in
            nonisolated(unsafe) var firstReceipt = ""
            try await post(client, "customs-core", body) { firstReceipt = String(buffer: $0.body); #expect($0.status == .accepted) }
            try await post(client, "customs-core", body) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == firstReceipt)
            }
            try await post(client, "customs-core", changed) { response in
                #expect(response.status == .conflict)
                #expect(Self.errorCode(response) == "MESSAGE_ID_CONFLICT")
            }
        }
        #expect(try await gateway.store.messages(direction: .outbound).count == 1, "nothing was processed twice")
        await gateway.store.close()
    }

    @Test func refusalsAnswerWithTheWorldsCodes() async throws {
        let gateway = try await Self.gateway()
        let unsigned = Self.sample(Self.application)
        let byMOIT = try Self.signed(Self.application, by: "moit")
        let wrongType = try Self.signed("bank-vcb/PaymentConfirmation.v1/samples/PaymentConfirmation-01.json", by: "customs-core")
        let wrongFormat = try Self.signed(Self.decision, by: "customs-core")
        let invalid = try Self.signed(Self.application, by: "customs-core", replacing: "\"requestedValidUntil\": \"2025-12-31\"",
                                      with: "\"requestedValidUntil\": \"2025-02-30\"")
        let tampered = Array(String(decoding: try Self.signed(Self.decision, by: "moit"), as: UTF8.self)
            .replacingOccurrences(of: ">1200<", with: ">1300<").utf8)
        let oversize = [UInt8](repeating: UInt8(ascii: " "), count: InboundPipeline.maximumBytes + 1)
        try await Application(router: GatewayServer.router(pipeline: gateway.pipeline)).test(.router) { client in
            try await post(client, "customs-core", unsigned) { #expect($0.status == .unauthorized); #expect(Self.errorCode($0) == "SIGNATURE_INVALID") }
            try await post(client, "moit", tampered) { #expect($0.status == .unauthorized); #expect(Self.errorCode($0) == "SIGNATURE_INVALID") }
            try await post(client, "customs-core", byMOIT) { #expect($0.status == .forbidden); #expect(Self.errorCode($0) == "NOT_ALLOWED") }
            try await post(client, "customs-core", wrongType) { #expect($0.status == .forbidden); #expect(Self.errorCode($0) == "NOT_ALLOWED") }
            try await post(client, "customs-core", wrongFormat) { response in
                #expect(response.status == .unsupportedMediaType)
                #expect(Self.errorCode(response) == "UNSUPPORTED_MEDIA_TYPE")
                #expect(String(buffer: response.body).contains("customs-core sends application/jose, not application/xml"))
            }
            try await post(client, "customs-core", invalid) { response in
                #expect(response.status == .badRequest)
                #expect(Self.errorCode(response) == "SCHEMA_INVALID")
                #expect(String(buffer: response.body).contains("\"path\":\"/requestedValidUntil\""))
            }
            try await post(client, "customs-core", Array("{\"messageType\":".utf8)) { #expect($0.status == .unauthorized || $0.status == .badRequest) }
            try await post(client, "moit", Array("<LicenceDecision".utf8)) { #expect($0.status == .badRequest); #expect(Self.errorCode($0) == "MALFORMED") }
            try await post(client, "nobody", unsigned) { #expect($0.status == .notFound) }
            try await post(client, "customs-core", oversize) { #expect($0.status == .contentTooLarge); #expect(Self.errorCode($0) == "TOO_LARGE") }
        }
        #expect(try await gateway.store.messages().isEmpty, "a refused message stores nothing")
        // Refusals of a partner's accepted signers are audited; messages of signers the partner does
        // not accept (MOIT's on the customs route), unsigned or tampered ones, from anyone, are not.
        let refused = try await gateway.store.auditEntries(kind: "message.refused").map { $0.detail.split(separator: " ").first.map(String.init) }
        #expect(refused == ["NOT_ALLOWED", "SCHEMA_INVALID"])
        await gateway.store.close()
    }

    @Test(arguments: Database.allCases)
    func aDecisionOnAnAcceptedApplicationBecomesTheFirstLicenceRecord(_ database: Database) async throws {
        let gateway = try await Self.gateway(on: database)
        let application = try Self.signed(Self.application, by: "customs-core")
        let decision = try Self.signed(Self.decision, by: "moit")
        let second = try Self.signed(Self.decision, by: "moit", replacing: "fa9d8150-f485-4f54-9295-3e01edc6eb5a",
                                     with: "0b7c9f6e-1111-4f54-9295-3e01edc6eb5a")
        try await Application(router: GatewayServer.router(pipeline: gateway.pipeline)).test(.router) { client in
            try await post(client, "customs-core", application) { #expect($0.status == .accepted) }
            // MOIT has not accepted the application yet: the decision overtakes it.
            try await post(client, "moit", decision) { #expect($0.status == .conflict); #expect(Self.errorCode($0) == "UNKNOWN_APPLICATION") }
            let deliveries = try await gateway.store.claimDeliveries(worker: "test", now: Date(), lease: 30, limit: 5)
            try await gateway.store.record(.delivered(httpStatus: 202, response: []), of: try #require(deliveries.first), startedAt: Date(), duration: 0.01)
            try await post(client, "moit", decision) { #expect($0.status == .accepted) }
            try await post(client, "moit", second) { #expect($0.status == .conflict); #expect(Self.errorCode($0) == "DECISION_ALREADY_FINAL") }
        }
        let record = try #require(try await gateway.store.messages(direction: .outbound).first { $0.messageType == "customs-core/LicenceRecord" })
        #expect(record.partner == "customs-core")
        #expect(record.businessKey == "licence/00125/2025/GPNK-BCT")
        let verified = try SignedMessageVerifier(trust: SignerTrust.standard(store: try TrustStore(directory: Self.root + "/Certificates/demo/trust/vn")))
            .verify(record.body, at: Date())
        #expect(verified.format == .jws)
        let read = try Self.specs.read(verified.content)
        #expect(read.spec.key == "customs-core/LicenceRecord")
        #expect(String(decoding: verified.content, as: UTF8.self).contains("\"licenceNumber\": \"00125/2025/GPNK-BCT\""))
        let timeline = try #require(try await gateway.store.timeline(kind: .application, key: "IA-2025-000418"))
        #expect(timeline.status?.rawValue == "APPROVED")
        #expect(timeline.events.first?.signer?.hasPrefix("CN=eps-signing.moit.example") == true)
        #expect(try await gateway.store.verifyAudit().isIntact)
        await gateway.store.close()
    }
}

extension InboundPipelineTests {
    @Test(arguments: Database.allCases)
    func twoDecisionsArrivingTogetherAreNotBothFinal(_ database: Database) async throws {
        let gateway = try await Self.gateway(on: database)
        _ = await gateway.pipeline.receive(from: "customs-core", try Self.signed(Self.application, by: "customs-core"))
        let deliveries = try await gateway.store.claimDeliveries(worker: "test", now: Date(), lease: 30, limit: 5)
        try await gateway.store.record(.delivered(httpStatus: 202, response: []), of: try #require(deliveries.first), startedAt: Date(), duration: 0.01)
        let approval = try Self.signed(Self.decision, by: "moit")
        let another = try Self.signed(Self.decision, by: "moit", replacing: "fa9d8150-f485-4f54-9295-3e01edc6eb5a",
                                        with: "0b7c9f6e-2222-4f54-9295-3e01edc6eb5a")
        let answers = await withTaskGroup(of: Int.self) { group in
            for body in [approval, another] { group.addTask { await gateway.pipeline.receive(from: "moit", body).status } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.sorted() == [202, 409], "one decision is final, the other refused")
        #expect(try await gateway.store.messages(direction: .outbound).filter { $0.messageType == "customs-core/LicenceRecord" }.count == 1)
        await gateway.store.close()
    }
}

/// A flow step that takes its time, to show the request deadline.
private struct SlowApplicationStep: FlowStep {
    let record = LicenceApplication.recordName
    let sender = PartnerRole.customs

    func handle(_ message: ReadMessage, signer: SignerIdentity, from partner: Partner,
                context: FlowContext) async throws(GatewayError) -> FlowOutcome {
        try? await Task.sleep(for: .milliseconds(800))
        return FlowOutcome(businessKey: "application/slow")
    }
}

extension InboundPipelineTests {
    @Test func aRequestPastItsDeadlineIsAnsweredForARetryAndTheRetryGetsTheReceipt() async throws {
        let partners = try PartnerRegistry(directory: Self.root + "/Partners", specs: Self.specs, environment: [:])
        let store = try await GatewayStore.open(.sqlite(path: temporaryDirectory("deadline") + "/gateway.sqlite"))
        let pipeline = try InboundPipeline(specs: Self.specs, partners: partners, store: store, receiptSigner: try Self.signer("gateway"),
                                           steps: Flows.steps.filter { !($0 is LicenceApplicationStep) } + [SlowApplicationStep()])
        let body = try Self.signed(Self.application, by: "customs-core")
        let router = GatewayServer.router(pipeline: pipeline, requestTimeout: .milliseconds(200))
        try await Application(router: router).test(.router) { client in
            try await post(client, "customs-core", body) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(Self.errorCode(response) == "TIMEOUT")
            }
            // As a partner does after a 503: again a moment later, for as long as the answer is 503
            // (on a busy machine the first work may still be under way at the first retry).
            var status = HTTPResponse.Status.serviceUnavailable
            var retries = 0
            while status == .serviceUnavailable && retries < 10 {
                try await Task.sleep(for: .seconds(1))
                let answer = Mutex(status)
                try await post(client, "customs-core", body) { response in answer.withLock { $0 = response.status } }
                status = answer.withLock { $0 }
                retries += 1
            }
            #expect(status == .ok, "the work went on and was stored once (\(retries) retries)")
        }
        #expect(try await store.messages(direction: .inbound).count == 1)
        await store.close()
    }
}
