import Foundation
import GatewayCore
import Hub
import MessageSpecs
import Signatures
import Store
import Testing
import TestSupport

/// World §3 flow 3 over HTTP: documents from ASEAN NSWs acknowledged synchronously with a signed
/// ACK and asynchronously once customs-core answered; the ASW README's synchronous refusals as
/// ACKs; certificates MOIT issued routed as Form D and followed through the partner's ACKs.
@Suite struct AseanFlowTests {
    typealias G = FlowGateway
    static let formD = "asw/FORM_D.v1/samples/FORM_D-03-SG-to-VN.xml"
    static let acdd = "asw/ACDD.v1/samples/ACDD-01-SG-to-VN.xml"
    static let formDMessageId = "e431365e-7b6b-4934-b65e-f1d559c69697"

    static let aseanTrust: SignerTrust = {
        do { return SignerTrust.standard(store: try TrustStore(directory: G.root + "/Certificates/demo/trust/asean")) } catch { preconditionFailure("\(error)") }
    }()

    /// An ACK the gateway answered or sent, verified against the ASEAN PKI and read.
    static func acknowledgement(_ body: [UInt8]) throws -> (envelope: MessageEnvelope, ack: Acknowledgement) {
        let verified = try SignedMessageVerifier(trust: aseanTrust).verify(body, at: Date())
        #expect(verified.signature.signer.subject.contains("C=VN"))
        let message = try G.specs.read(verified.content)
        return (message.envelope, try message.decode(Acknowledgement.self))
    }

    /// customs-core taking certificates and refusing export declarations.
    static func customsCore() async throws -> FakePartner {
        try await FakePartner.start { received in
            let payload = (try? UnverifiedPayload.of(String(decoding: received.body, as: UTF8.self))).map { String(decoding: $0, as: UTF8.self) } ?? ""
            return payload.contains("AseanExportDeclarationRecord")
                ? (409, "application/json", Array("{\"error\":\"UNKNOWN_EXPORTER\",\"message\":\"No such exporter.\",\"details\":[]}".utf8))
                : (202, "application/json", Array("{}".utf8))
        }
    }

    @Test(arguments: FlowGateway.Database.allCases)
    func aCertificateFromSingaporeIsReceivedThenAcceptedOnceCustomsTookIt(_ database: FlowGateway.Database) async throws {
        let customs = try await Self.customsCore()
        let singapore = try await FakePartner.start(answering: [202])
        defer { customs.stop(); singapore.stop() }
        let gateway = try await G.start(endpoints: ["customs-core": customs, "asw-sg": singapore], database: database)
        let formD = try G.signed(Self.formD, by: "asw-sg")
        try await gateway.http { partner in
            let answer = try await partner.post("asw-sg", formD)
            #expect(answer.status == 202)
            #expect(answer.contentType == "application/xml; charset=utf-8")
            let (envelope, ack) = try Self.acknowledgement(answer.body)
            #expect(ack.status == "RECEIVED")
            #expect(ack.documentReference == "SG25-D-0007731")
            #expect(envelope.reference == Self.formDMessageId)
            #expect(envelope.sender == "VN" && envelope.receiver == "SG")
            // A re-delivery gets the same synchronous ACK and is not processed again.
            let again = try await partner.post("asw-sg", formD)
            #expect(again.status == 200)
            #expect(again.body == answer.body)
        }
        #expect(try await gateway.status(.certificate, "SG25-D-0007731") == "RECEIVED")
        try await gateway.deliverAll()
        let record = try #require(customs.deliveries.first)
        try G.expectSameMembers(record.body, as: "customs-core/CertificateOfOriginRecord.v2/samples/CertificateOfOriginRecord-01.json",
                                except: ["messageId", "sentAt"])
        let asynchronous = try #require(singapore.deliveries.first, "the asynchronous ACK follows customs-core's 202")
        let (envelope, ack) = try Self.acknowledgement(asynchronous.body)
        #expect(ack.status == "ACCEPTED")
        #expect(ack.documentReference == "SG25-D-0007731")
        #expect(envelope.reference == Self.formDMessageId)
        #expect(try await gateway.status(.certificate, "SG25-D-0007731") == "ACCEPTED")
        #expect(customs.deliveries.count == 1 && singapore.deliveries.count == 1)
        // The certificate's facts, as an officer tracks it: its parties, countries, goods and answers.
        let tracked = try #require(try await CaseTracking(runtime: gateway.pipeline.runtime).find(.certificate, "SG25-D-0007731"))
        #expect(tracked.facts.parties.map(\.role) == ["exporter", "consignee"])
        #expect(tracked.facts.codes.contains { $0.label == "exportingCountry" && $0.value == "SG" })
        #expect(tracked.facts.codes.contains { $0.label == "lastAnswer" && $0.value.hasPrefix("customs-core: ACCEPTED") })
        #expect(!tracked.facts.lines.isEmpty && tracked.facts.lines.allSatisfy { $0.value != nil })
        await gateway.store.close()
    }

    @Test func aDeclarationCustomsRefusesIsRejectedToTheSender() async throws {
        let customs = try await Self.customsCore()
        let singapore = try await FakePartner.start(answering: [202])
        defer { customs.stop(); singapore.stop() }
        let gateway = try await G.start(endpoints: ["customs-core": customs, "asw-sg": singapore])
        let declaration = try G.signed(Self.acdd, by: "asw-sg")
        try await gateway.http { partner in
            let answer = try await partner.post("asw-sg", declaration)
            #expect(answer.status == 202)
        }
        try await gateway.deliverAll()
        let (_, ack) = try Self.acknowledgement(try #require(singapore.deliveries.first).body)
        #expect(ack.status == "REJECTED")
        #expect(ack.errors?.first?.code == "DOCUMENT_REJECTED_BY_CUSTOMS")
        #expect(ack.errors?.first?.description.contains("UNKNOWN_EXPORTER") == true)
        #expect(try await gateway.status(.exportDeclaration, "20250311-SG-EX-0088123") == "REJECTED")
        await gateway.store.close()
    }

    @Test func synchronousRefusalsAreSignedAcknowledgementsWithTheASWCodes() async throws {
        let gateway = try await G.start()
        let bySingapore = try G.signed(Self.formD, by: "asw-sg")
        try await gateway.http { partner in
            // Signed by Thailand's NSW but claiming to come from Singapore.
            let impostor = try await partner.post("asw-th", try G.signed(Self.formD, by: "asw-th"))
            #expect(impostor.status == 401)
            #expect(try Self.acknowledgement(impostor.body).ack.errors?.first?.code == "SIGNATURE_INVALID")
            let tampered = Array(String(decoding: bySingapore, as: UTF8.self).replacingOccurrences(of: "SG25-D-0007731", with: "SG25-D-0007732").utf8)
            let broken = try await partner.post("asw-sg", tampered)
            #expect(broken.status == 401)
            let (envelope, ack) = try Self.acknowledgement(broken.body)
            #expect(ack.status == "REJECTED" && ack.errors?.first?.code == "SIGNATURE_INVALID")
            #expect(envelope.reference == Self.formDMessageId)
            let elsewhere = try await partner.post("asw-sg", try G.signed(Self.formD, by: "asw-sg", changing: [("<ReceiverNSW>VN</ReceiverNSW>", "<ReceiverNSW>TH</ReceiverNSW>")]))
            #expect(elsewhere.status == 403)
            #expect(try Self.acknowledgement(elsewhere.body).ack.errors?.first?.code == "UNKNOWN_RECEIVER")
            let mislabelled = try await partner.post("asw-sg", try G.signed(Self.formD, by: "asw-sg", changing: [("<MessageType>FORM_D</MessageType>", "<MessageType>ACDD</MessageType>")]))
            #expect(mislabelled.status == 400)
            #expect(try Self.acknowledgement(mislabelled.body).ack.errors?.first?.code == "MESSAGE_TYPE_MISMATCH")
            let invalid = try await partner.post("asw-sg", try G.signed(Self.formD, by: "asw-sg", changing: [("<IssuedDate>", "<IssuedDate>x")]))
            #expect(invalid.status == 400)
            let schema = try Self.acknowledgement(invalid.body).ack
            #expect(schema.errors?.first?.code == "SCHEMA_INVALID")
            #expect(schema.errors?.first?.location?.contains("IssuedDate") == true)
            // Not XML (sent as a JWS): no ACK can be built, the common JSON body answers.
            let garbage = try await partner.post("asw-sg", Array("not a message".utf8))
            #expect(garbage.status == 415)
            #expect(garbage.contentType == "application/json")
        }
        #expect(try await gateway.store.messages().isEmpty, "a refused message stores nothing")
        await gateway.store.close()
    }

    @Test func businessRefusalsAreAnAsynchronousRejection() async throws {
        let singapore = try await FakePartner.start(answering: [202])
        defer { singapore.stop() }
        let gateway = try await G.start(endpoints: ["asw-sg": singapore])
        try await gateway.http { partner in
            #expect(try await partner.post("asw-sg", G.signed(Self.formD, by: "asw-sg")).status == 202)
            // The same certificate again under another MessageID.
            let duplicate = try G.signed(Self.formD, by: "asw-sg", changing: [(Self.formDMessageId, "e431365e-0000-4934-b65e-f1d559c69697")])
            let received = try await partner.post("asw-sg", duplicate)
            #expect(received.status == 202)
            #expect(try Self.acknowledgement(received.body).ack.status == "RECEIVED")
            // A certificate for goods bound for Thailand.
            let elsewhere = try G.signed(Self.formD, by: "asw-sg", changing: [
                (Self.formDMessageId, "e431365e-1111-4934-b65e-f1d559c69697"), ("SG25-D-0007731", "SG25-D-0007799"),
                ("<ImportingCountry>VN</ImportingCountry>", "<ImportingCountry>TH</ImportingCountry>"),
            ])
            #expect(try await partner.post("asw-sg", elsewhere).status == 202)
            // An HS code in chapter 77, which the Harmonized System keeps empty.
            let reserved = try G.signed(Self.formD, by: "asw-sg", changing: [
                (Self.formDMessageId, "e431365e-2222-4934-b65e-f1d559c69697"), ("SG25-D-0007731", "SG25-D-0007800"),
                ("<HSCode>39012000</HSCode>", "<HSCode>77012000</HSCode>"),
            ])
            #expect(try await partner.post("asw-sg", reserved).status == 202)
            // A Thai certificate sent by Singapore's NSW.
            let foreign = try G.signed(Self.formD, by: "asw-sg", changing: [
                (Self.formDMessageId, "e431365e-3333-4934-b65e-f1d559c69697"), ("SG25-D-0007731", "SG25-D-0007801"),
                ("<ExportingCountry>SG</ExportingCountry>", "<ExportingCountry>TH</ExportingCountry>"),
            ])
            #expect(try await partner.post("asw-sg", foreign).status == 202)
        }
        let acks = try await gateway.outbound("asw/ACK")
        let codes = try acks.map { try G.specs.read(try SignedMessageVerifier(trust: Self.aseanTrust).verify($0.body, at: Date()).content)
            .decode(Acknowledgement.self).errors?.first?.code }
        #expect(codes == ["DUPLICATE_DOCUMENT", "IMPORTING_COUNTRY_MISMATCH", "INVALID_HS_CODE", "BUSINESS_RULE_VIOLATION"])
        #expect(try await gateway.outbound("customs-core/CertificateOfOriginRecord").count == 1)
        #expect(try await gateway.status(.certificate, "SG25-D-0007731") == "RECEIVED", "a duplicate leaves the first one's case")
        #expect(try await gateway.status(.certificate, "SG25-D-0007799") == "REJECTED")
        await gateway.store.close()
    }

    @Test func aCertificateMOITIssuedIsForwardedAndFollowedThroughThePartnersAcknowledgements() async throws {
        let translator = Translator(registry: G.specs)
        let thaiSigner = try G.signer("asw-th")
        // Thailand's NSW: a signed ACK RECEIVED for each Form D, as its synchronous answer.
        let thailand = try await FakePartner.start { received in
            let formD = try? G.specs.read(received.body)
            let ack = try? translator.write(Acknowledgement(status: "RECEIVED", documentReference: "VN-TH 25/02/00318"), as: "asw/ACK",
                                            envelope: MessageEnvelope(sender: "TH", receiver: "VN", reference: formD?.envelope.messageId))
            let body = ack.flatMap { try? thaiSigner.sign($0.bytes) } ?? []
            return (202, "application/xml; charset=utf-8", body)
        }
        defer { thailand.stop() }
        let gateway = try await G.start(endpoints: ["asw-th": thailand])
        try await gateway.http { partner in
            #expect(try await partner.post("moit", G.signed("moit/CertificateOfOriginIssued.v1/samples/CertificateOfOriginIssued-01.xml", by: "moit")).status == 202)
            let malaysia = try G.signed("moit/CertificateOfOriginIssued.v1/samples/CertificateOfOriginIssued-02.xml", by: "moit",
                                        changing: [("<ImportingCountry>SG</ImportingCountry>", "<ImportingCountry>MY</ImportingCountry>")])
            #expect(try await partner.post("moit", malaysia).status == 202)
            let again = try G.signed("moit/CertificateOfOriginIssued.v1/samples/CertificateOfOriginIssued-01.xml", by: "moit",
                                     changing: [("552cccdf-22f3-484c-80b3-1a0b72b0fa2a", "552cccdf-0000-484c-80b3-1a0b72b0fa2a")])
            let duplicate = try await partner.post("moit", again)
            #expect(duplicate.status == 409 && duplicate.error == "DUPLICATE_CERTIFICATE")
        }
        #expect(try await gateway.status(.certificate, "VN-SG 25/37/00412") == "NOT_ROUTABLE")
        // World §1.5 has no status for a Form D on its way: none until the partner NSW answers.
        let queued = try #require(try await gateway.store.timeline(kind: .certificate, key: "VN-TH 25/02/00318"))
        #expect(queued.status == nil && queued.events.map(\.event) == ["issued"] && queued.events.first?.status == nil)
        try await gateway.deliverAll()
        let sent = try #require(thailand.deliveries.first)
        let formD = try G.specs.read(try SignedMessageVerifier(trust: Self.aseanTrust).verify(sent.body, at: Date()).content)
        var expected = try G.specs.read(Array(G.sample("asw/FORM_D.v1/samples/FORM_D-01-VN-to-TH.xml").utf8)).decode(CertificateOfOrigin.self)
        var actual = try formD.decode(CertificateOfOrigin.self)
        (expected.aswMessageId, actual.aswMessageId) = (nil, nil)
        #expect(actual == expected, "the Form D carries what the world's example carries")
        #expect(formD.envelope.receiver == "TH")
        #expect(try await gateway.status(.certificate, "VN-TH 25/02/00318") == "FORWARDED")

        let formDId = try #require(formD.envelope.messageId)
        @Sendable func ack(_ status: String, reference: String) throws -> [UInt8] {
            let output = try translator.write(Acknowledgement(status: status, documentReference: "VN-TH 25/02/00318"), as: "asw/ACK",
                                              envelope: MessageEnvelope(sender: "TH", receiver: "VN", reference: reference))
            return try thaiSigner.sign(output.bytes)
        }
        let stranger = try ack("ACCEPTED", reference: "00000000-0000-4000-8000-000000000000")
        let accepted = try ack("ACCEPTED", reference: formDId)
        try await gateway.http { partner in
            let unknown = try await partner.post("asw-th", stranger)
            #expect(unknown.status == 409 && unknown.error == "REFERENCE_NOT_FOUND")
            #expect(try await partner.post("asw-th", accepted).status == 202)
            #expect(try await partner.post("asw-th", accepted).status == 200)
        }
        #expect(try await gateway.status(.certificate, "VN-TH 25/02/00318") == "PARTNER_ACCEPTED")
        #expect(try await gateway.outbound("asw/ACK").isEmpty, "ACKs are not acknowledged with an ACK")
        await gateway.store.close()
    }

    @Test func aFormDTheImportingNSWRefusesAtOnceIsPartnerRejected() async throws {
        let translator = Translator(registry: G.specs)
        let singaporeSigner = try G.signer("asw-sg")
        // Singapore's NSW refuses the Form D in its synchronous ACK, with HTTP 400.
        let singapore = try await FakePartner.start { received in
            let formD = try? G.specs.read(received.body)
            let problem = Acknowledgement.Problem(code: "SCHEMA_INVALID", description: "GoodsItem 2: RVCPercentage missing.")
            let ack = try? translator.write(Acknowledgement(status: "REJECTED", documentReference: "VN-SG 25/37/00412", errors: [problem]),
                                            as: "asw/ACK", envelope: MessageEnvelope(sender: "SG", receiver: "VN", reference: formD?.envelope.messageId))
            return (400, "application/xml; charset=utf-8", ack.flatMap { try? singaporeSigner.sign($0.bytes) } ?? [])
        }
        defer { singapore.stop() }
        let gateway = try await G.start(endpoints: ["asw-sg": singapore])
        let certificate = try G.signed("moit/CertificateOfOriginIssued.v1/samples/CertificateOfOriginIssued-02.xml", by: "moit")
        #expect(await gateway.pipeline.receive(from: "moit", certificate).status == 202)
        try await gateway.deliverAll()
        #expect(singapore.deliveries.count == 1, "a final refusal is not retried")
        let timeline = try #require(try await gateway.store.timeline(kind: .certificate, key: "VN-SG 25/37/00412"))
        #expect(timeline.status?.rawValue == "PARTNER_REJECTED")
        #expect(timeline.events.last?.detail == "SCHEMA_INVALID: GoodsItem 2: RVCPercentage missing.")
        await gateway.store.close()
    }
}
