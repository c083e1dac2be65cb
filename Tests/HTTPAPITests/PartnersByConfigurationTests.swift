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

/// Partners of a known kind join by configuration alone: a second bank that speaks VCB's format
/// under its own id, and Malaysia's NSW speaking the ASW format — a partner file each in a copy of
/// `Partners/`, certificates from the demo PKI script, the shipped `MessageSpecs/` unchanged —
/// and payments, Form Ds and ACKs go through them as through the world's own partners.
@Suite struct PartnersByConfigurationTests {
    typealias G = FlowGateway

    /// A copy of the configuration with the two new partners, and a demo PKI that signs for them.
    struct Configuration {
        let root: String
        var partners: String { root + "/Partners" }
        var specs: String { root + "/MessageSpecs" }

        init() throws {
            root = temporaryDirectory("by-configuration")
            try FileManager.default.copyItem(atPath: G.root + "/Partners", toPath: partners)
            try FileManager.default.copyItem(atPath: G.root + "/MessageSpecs", toPath: specs)
            let pki = Command.run(G.root + "/Certificates/make-demo-pki.sh", [
                root + "/Certificates/demo",
                "--party", "bank-two:vn-issuing:rsa:/C=VN/O=Second Commercial Bank/OU=Customs Collection/CN=customs-collection-signing.bank-two.example",
                "--party", "asw-my:asean-root:rsa:/C=MY/O=Malaysia National Single Window/CN=nsw.asw-my.example",
            ])
            precondition(pki.status == 0, "make-demo-pki.sh failed: \(pki.standardError)")
            try Self.copy(partners, "bank-vcb", to: "bank-two", changing: [
                ("id: bank-vcb", "id: bank-two"), ("name: Vietcombank — Customs Collection", "name: Second Commercial Bank — Customs Collection"),
                ("CN=customs-collection-signing.vcb.example,*", "CN=customs-collection-signing.bank-two.example,*"),
                ("payment-results", "bank-two-results"),
            ])
            try Self.copy(partners, "asw-th", to: "asw-my", changing: [
                ("id: asw-th", "id: asw-my"), ("name: Thailand National Single Window", "name: Malaysia National Single Window"),
                ("country: TH", "country: MY"), ("CN=nsw.asw-th.example,*,C=TH", "CN=nsw.asw-my.example,*,C=MY"), ("nsw.asw-th.example", "nsw.asw-my.example"),
            ])
        }

        static func copy(_ partners: String, _ from: String, to name: String, changing changes: [(String, String)]) throws {
            var text = String(decoding: read("\(partners)/\(from).yaml"), as: UTF8.self)
            for (old, new) in changes {
                precondition(text.contains(old), "\(old) is not in \(from).yaml")
                text = text.replacingOccurrences(of: old, with: new)
            }
            write(text, to: "\(partners)/\(name).yaml")
        }

        func signer(_ party: String, scheme: SignatureScheme? = nil) throws -> MessageSigner {
            let folder = root + "/Certificates/demo/\(party)"
            return try MessageSigner(keyFile: "\(folder)/key.pem", certificateFile: "\(folder)/cert.pem", chainFile: "\(folder)/chain.pem",
                                     jwsScheme: scheme)
        }

        func signed(_ sample: String, by party: String, scheme: SignatureScheme? = nil, changing changes: [(String, String)] = []) throws -> [UInt8] {
            var text = G.sample(sample)
            for (old, new) in changes {
                precondition(text.contains(old), "\(old) is not in \(sample)")
                text = text.replacingOccurrences(of: old, with: new)
            }
            return try signer(party, scheme: scheme).sign(Array(text.utf8))
        }

        /// The gateway on this configuration, its partners' endpoints at `endpoints`.
        func gateway(endpoints: [String: FakePartner]) async throws -> FlowGateway {
            let specs = try SpecRegistry(directory: self.specs)
            let environment = Dictionary(uniqueKeysWithValues: endpoints.map { (PartnerRegistry.urlVariable(of: $0.key), $0.value.url) })
            let partners = try PartnerRegistry(directory: self.partners, specs: specs, environment: environment)
            let store = try await GatewayStore.open(.sqlite(path: temporaryDirectory("by-configuration-store") + "/gateway.sqlite"))
            let pipeline = try InboundPipeline(specs: specs, partners: partners, store: store, receiptSigner: try signer("gateway"))
            let worker = OutboxWorker(store: store, plan: PartnerDeliveryPlan(runtime: pipeline.runtime), threads: G.threads, lease: 60)
            return FlowGateway(store: store, pipeline: pipeline, worker: worker)
        }
    }

    @Test func aSecondBankSpeakingVCBsFormatIsMatchedAndAnsweredLikeVCB() async throws {
        let configuration = try Configuration()
        let customs = try await FakePartner.start(answering: [202])
        let bank = try await FakePartner.start(answering: [202])
        defer { customs.stop(); bank.stop() }
        let gateway = try await configuration.gateway(endpoints: ["customs-core": customs, "bank-two": bank])
        try await gateway.http { partner in
            #expect(try await partner.post("customs-core", configuration.signed("customs-core/TaxNotice.v2/samples/TaxNotice-01.json", by: "customs-core")).status == 202)
            let payment = try configuration.signed("bank-vcb/PaymentConfirmation.v1/samples/PaymentConfirmation-01.json", by: "bank-two", scheme: .ps256)
            let answer = try await partner.post("bank-two", payment)
            #expect(answer.status == 202, "\(answer.text)")
            let again = try configuration.signed("bank-vcb/PaymentConfirmation.v1/samples/PaymentConfirmation-04.json", by: "bank-two", scheme: .ps256)
            #expect(try await partner.post("bank-two", again).status == 202)
            // VCB's own signer is not bank-two's.
            let byVCB = try await partner.post("bank-two", try configuration.signed("bank-vcb/PaymentConfirmation.v1/samples/PaymentConfirmation-03.json",
                                                                                    by: "bank-vcb", scheme: .ps256))
            #expect(byVCB.status == 403 && byVCB.error == "NOT_ALLOWED")
            try await gateway.deliverAll()
        }
        let records = try customs.deliveries.map { try G.members($0.body) }.filter { $0["messageType"] as? String == "PaymentRecord" }
        #expect(records.map { $0["bankTransactionRef"] as? String } == ["VCB20250312004567"])
        let answers = try bank.deliveries.map { try G.members($0.body) }
        // Answers about two transactions go out side by side, in either order.
        #expect(answers.compactMap { $0["messageType"] as? String }.sorted() == ["PaymentAcknowledgement", "PaymentRejection"])
        #expect(answers.first { $0["messageType"] as? String == "PaymentRejection" }?["reasonCode"] as? String == "DUPLICATE")
        #expect(try await gateway.status(.taxNotice, "TB-2025-00004512") == "SETTLED")
        await gateway.store.close()
    }

    @Test func malaysiasNSWGetsFormDsAndSendsThemLikeThailandsAndSingapores() async throws {
        let configuration = try Configuration()
        let translator = Translator(registry: try SpecRegistry(directory: configuration.specs))
        let malaysianSigner = try configuration.signer("asw-my")
        // Malaysia's NSW: a signed ACK RECEIVED for each Form D, as its synchronous answer.
        let malaysia = try await FakePartner.start { received in
            let formD = try? G.specs.read(received.body)
            guard formD?.spec.record == CertificateOfOrigin.recordName else { return (202, "application/xml; charset=utf-8", []) }
            let ack = try? translator.write(Acknowledgement(status: "RECEIVED", documentReference: "VN-MY 25/02/00318"), as: "asw/ACK",
                                            envelope: MessageEnvelope(sender: "MY", receiver: "VN", reference: formD?.envelope.messageId))
            return (202, "application/xml; charset=utf-8", ack.flatMap { try? malaysianSigner.sign($0.bytes) } ?? [])
        }
        let customs = try await FakePartner.start(answering: [202])
        defer { malaysia.stop(); customs.stop() }
        let gateway = try await configuration.gateway(endpoints: ["asw-my": malaysia, "customs-core": customs])
        let certificate = try configuration.signed("moit/CertificateOfOriginIssued.v1/samples/CertificateOfOriginIssued-01.xml", by: "moit", changing: [
            ("VN-TH 25/02/00318", "VN-MY 25/02/00318"), ("<ImportingCountry>TH</ImportingCountry>", "<ImportingCountry>MY</ImportingCountry>"),
        ])
        let formD = try configuration.signed("asw/FORM_D.v1/samples/FORM_D-04-TH-to-VN.xml", by: "asw-my", changing: [
            ("<SenderNSW>TH</SenderNSW>", "<SenderNSW>MY</SenderNSW>"), ("<ExportingCountry>TH</ExportingCountry>", "<ExportingCountry>MY</ExportingCountry>"),
            ("TH2568-0451209", "MY2025-0000777"),
        ])
        try await gateway.http { partner in
            #expect(try await partner.post("moit", certificate).status == 202)
            let received = try await partner.post("asw-my", formD)
            #expect(received.status == 202, "\(received.text)")
            let ack = try G.specs.read(try SignedMessageVerifier(trust: SignerTrust.standard(store: try TrustStore(directory: configuration.root + "/Certificates/demo/trust/asean")))
                .verify(received.body, at: Date()).content)
            #expect(try ack.decode(Acknowledgement.self).status == "RECEIVED" && ack.envelope.receiver == "MY")
        }
        try await gateway.deliverAll()
        #expect(try await gateway.status(.certificate, "VN-MY 25/02/00318") == "FORWARDED")
        let sentFormD = try #require(malaysia.deliveries.compactMap { try? G.specs.read($0.body) }.first { $0.spec.record == CertificateOfOrigin.recordName })
        #expect(sentFormD.envelope.receiver == "MY")
        let acceptance = try malaysianSigner.sign(try translator.write(Acknowledgement(status: "ACCEPTED", documentReference: "VN-MY 25/02/00318"),
                                                                      as: "asw/ACK", envelope: MessageEnvelope(sender: "MY", receiver: "VN",
                                                                                                              reference: sentFormD.envelope.messageId)).bytes)
        try await gateway.http { partner in
            let answer = try await partner.post("asw-my", acceptance)
            #expect(answer.status == 202, "\(answer.text)")
        }
        #expect(try await gateway.status(.certificate, "VN-MY 25/02/00318") == "PARTNER_ACCEPTED")
        // The certificate from Malaysia went to customs, and Malaysia got the asynchronous ACK ACCEPTED.
        let record = try #require(try customs.deliveries.map { try G.members($0.body) }.first)
        #expect(record["certificateNumber"] as? String == "MY2025-0000777" && record["sourceNSW"] as? String == "MY")
        let asynchronous = try malaysia.deliveries.compactMap { try? G.specs.read($0.body) }.filter { $0.spec.record == Acknowledgement.recordName }
        #expect(try asynchronous.map { try $0.decode(Acknowledgement.self).status } == ["ACCEPTED"])
        #expect(try await gateway.status(.certificate, "MY2025-0000777") == "ACCEPTED")
        await gateway.store.close()
    }
}
