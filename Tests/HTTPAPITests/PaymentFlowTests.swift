import Foundation
import GatewayCore
import Hub
import Signatures
import Store
import Testing
import TestSupport

/// World §3 flow 2 over HTTP: customs-core's tax notices, Vietcombank's confirmations and BIDV's
/// camt.054 notifications matched in the world's order, what customs-core and the banks get,
/// and re-deliveries repeating their first outcome.
@Suite struct PaymentFlowTests {
    typealias G = FlowGateway

    static func notice(_ n: Int) throws -> [UInt8] { try G.signed("customs-core/TaxNotice.v2/samples/TaxNotice-0\(n).json", by: "customs-core") }
    static func confirmation(_ n: Int, changing changes: [(String, String)] = []) throws -> [UInt8] {
        try G.signed("bank-vcb/PaymentConfirmation.v1/samples/PaymentConfirmation-0\(n).json", by: "bank-vcb", scheme: .ps256, changing: changes)
    }
    static func notification(_ n: Int, changing changes: [(String, String)] = []) throws -> [UInt8] {
        try G.signed("bank-bidv/camt.054.001.08/samples/camt.054-0\(n).xml", by: "bank-bidv", changing: changes)
    }

    @Test func vietcombankConfirmationsAreMatchedInTheWorldsOrder() async throws {
        let gateway = try await G.start()
        try await gateway.http { partner in
            for n in 1...4 { #expect(try await partner.post("customs-core", Self.notice(n)).status == 202) }
            let again = try G.signed("customs-core/TaxNotice.v2/samples/TaxNotice-01.json", by: "customs-core",
                                     changing: [("02a6fcf5-d621-4a3c-ac26-db90d3df57f4", "02a6fcf5-0000-4a3c-ac26-db90d3df57f4")])
            let duplicate = try await partner.post("customs-core", again)
            #expect(duplicate.status == 409)
            #expect(duplicate.error == "DUPLICATE_TAX_NOTICE")

            // Matched (the 202 comes first; the answer follows as a message of its own).
            #expect(try await partner.post("bank-vcb", Self.confirmation(1)).status == 202)
            // The same notice paid again by another transaction.
            #expect(try await partner.post("bank-vcb", Self.confirmation(4)).status == 202)
            // 450 VND short, then the right amount.
            #expect(try await partner.post("bank-vcb", Self.confirmation(2)).status == 202)
            #expect(try await partner.post("bank-vcb", Self.confirmation(3)).status == 202)
            // Someone else's tax code on the fourth notice; then an unknown notice.
            let stranger = try Self.confirmation(3, changing: [("VCB20250321001204", "VCB20250321009999"), ("TB-2025-00004733", "TB-2025-00004801"),
                                                               ("106234568145", "106234568390")])
            #expect(try await partner.post("bank-vcb", stranger).status == 202)
            let unknown = try Self.confirmation(3, changing: [("VCB20250321001204", "VCB20250321008888"), ("TB-2025-00004733", "TB-2025-00000001")])
            #expect(try await partner.post("bank-vcb", unknown).status == 202)
        }
        let records = try await gateway.outbound("customs-core/PaymentRecord")
        #expect(records.count == 2, "only matched payments go to customs-core")
        try G.expectSameMembers(try #require(records.first).body, as: "customs-core/PaymentRecord.v2/samples/PaymentRecord-01.json",
                                except: ["messageId", "sentAt"])
        try G.expectSameMembers(try #require(records.last).body, as: "customs-core/PaymentRecord.v2/samples/PaymentRecord-03.json",
                                except: ["messageId", "sentAt"])
        let acknowledgements = try await gateway.outbound("bank-vcb/PaymentAcknowledgement")
        #expect(acknowledgements.count == 2)
        try G.expectSameMembers(try #require(acknowledgements.first).body,
                                as: "bank-vcb/PaymentAcknowledgement.v1/samples/PaymentAcknowledgement-01.json", except: ["acknowledgedAt"])
        try G.expectSameMembers(try #require(acknowledgements.last).body,
                                as: "bank-vcb/PaymentAcknowledgement.v1/samples/PaymentAcknowledgement-02.json", except: ["acknowledgedAt"])
        let rejections = try await gateway.outbound("bank-vcb/PaymentRejection")
        #expect(try rejections.map { try G.members($0.body)["reasonCode"] as? String } == ["DUPLICATE", "AMOUNT_MISMATCH", "TAXPAYER_MISMATCH", "UNKNOWN_DECLARATION"])
        try G.expectSameMembers(rejections[0].body, as: "bank-vcb/PaymentRejection.v1/samples/PaymentRejection-02.json", except: ["rejectedAt"])
        try G.expectSameMembers(rejections[1].body, as: "bank-vcb/PaymentRejection.v1/samples/PaymentRejection-01.json", except: ["rejectedAt"])
        // What VCB gets is signed by the gateway and valid against VCB's schema.
        let trust = SignerTrust.standard(store: try TrustStore(directory: G.root + "/Certificates/demo/trust/vn"))
        for answer in acknowledgements + rejections {
            let verified = try SignedMessageVerifier(trust: trust).verify(answer.body, at: Date())
            #expect(try G.specs.read(verified.content).spec.partner == "bank-vcb")
            #expect(answer.businessKey?.hasPrefix("payment/VCB") == true)
        }
        #expect(try await gateway.status(.taxNotice, "TB-2025-00004512") == "SETTLED")
        #expect(try await gateway.status(.taxNotice, "TB-2025-00004620") == "OPEN")
        #expect(try await gateway.status(.payment, "VCB20250321000981") == "REJECTED")
        let rejected = try #require(try await gateway.store.timeline(kind: .payment, key: "VCB20250321000981"))
        #expect(rejected.events.first?.detail?.hasPrefix("AMOUNT_MISMATCH: Paid amount 3412050000 VND") == true)
        #expect(try await gateway.store.verifyAudit().isIntact)
        await gateway.store.close()
    }

    @Test func aConfirmationSentAgainGetsItsFirstAnswerAgain() async throws {
        let vcb = try await FakePartner.start(answering: [202])
        let customs = try await FakePartner.start(answering: [202])
        defer { vcb.stop(); customs.stop() }
        let gateway = try await G.start(endpoints: ["bank-vcb": vcb, "customs-core": customs])
        let confirmation = try Self.confirmation(2)
        try await gateway.http { partner in
            #expect(try await partner.post("customs-core", Self.notice(3)).status == 202)
            #expect(try await partner.post("bank-vcb", confirmation).status == 202)
            try await gateway.deliverAll()
            #expect(vcb.deliveries.count == 1)
            // VCB saw no answer within 15 minutes and sends the same confirmation again.
            let repeated = try await partner.post("bank-vcb", confirmation)
            #expect(repeated.status == 200)
            try await gateway.deliverAll()
        }
        #expect(vcb.deliveries.count == 2)
        #expect(vcb.deliveries[0].body == vcb.deliveries[1].body, "the identical rejection, not a new decision")
        #expect(try G.members(vcb.deliveries[1].body)["reasonCode"] as? String == "AMOUNT_MISMATCH")
        #expect(customs.deliveries.isEmpty)
        #expect(try await gateway.outbound("bank-vcb/PaymentRejection").count == 1)
        await gateway.store.close()
    }

    @Test(arguments: FlowGateway.Database.allCases)
    func bidvEntriesGetOneResultEachInTheSynchronousAnswer(_ database: FlowGateway.Database) async throws {
        let gateway = try await G.start(database: database)
        try await gateway.http { partner in
            for n in 1...4 { #expect(try await partner.post("customs-core", Self.notice(n)).status == 202) }
            let first = try await partner.post("bank-bidv", Self.notification(1))
            #expect(first.status == 202)
            #expect(first.contentType == "application/json")
            try G.expectSameMembers(first.body, as: "bank-bidv/NotificationResult.v1/samples/NotificationResult-01.json", except: [])
            let endOfDay = try await partner.post("bank-bidv", Self.notification(2))
            #expect(endOfDay.status == 202)
            try G.expectSameMembers(endOfDay.body, as: "bank-bidv/NotificationResult.v1/samples/NotificationResult-02.json", except: [])
            // The same notification again: the same results, nothing processed again.
            let again = try await partner.post("bank-bidv", Self.notification(2))
            #expect(again.status == 200)
            #expect(again.body == endOfDay.body)
            // The real-time entry repeated in a later notification keeps its first result.
            let repeatedEntry = try await partner.post("bank-bidv", Self.notification(1, changing: [("BIDV-CAMT054-20250318-000457", "BIDV-CAMT054-20250318-EOD")]))
            #expect(repeatedEntry.status == 202)
            #expect(repeatedEntry.text.contains("\"status\":\"ACCEPTED\"") || repeatedEntry.text.contains("\"status\": \"ACCEPTED\""))
            // Other content under a known MsgId.
            let conflict = try await partner.post("bank-bidv", Self.notification(2, changing: [("58200000", "58200001")]))
            #expect(conflict.status == 409)
            #expect(conflict.error == "MESSAGE_ID_CONFLICT")
        }
        let records = try await gateway.outbound("customs-core/PaymentRecord")
        #expect(records.count == 2, "one record per matched entry, none for the repeated entry")
        try G.expectSameMembers(records[0].body, as: "customs-core/PaymentRecord.v2/samples/PaymentRecord-02.json", except: ["messageId", "sentAt"])
        try G.expectSameMembers(records[1].body, as: "customs-core/PaymentRecord.v2/samples/PaymentRecord-04.json", except: ["messageId", "sentAt"])
        #expect(try await gateway.status(.payment, "BIDVNSW250402001533") == "REJECTED")
        await gateway.store.close()
    }

    @Test func twoEntriesPayingOneNoticeAreAcceptedThenDuplicate() async throws {
        let gateway = try await G.start()
        // The end-of-day notification's second entry pays the first entry's notice again.
        let twice = try Self.notification(2, changing: [
            ("<Amt Ccy=\"VND\">58200000</Amt>", "<Amt Ccy=\"VND\">17250000000</Amt>"), ("0401234567", "3602345678"),
            ("106299990001", "106234568390"), ("TB-2025-00009999", "TB-2025-00004801"),
        ])
        try await gateway.http { partner in
            #expect(try await partner.post("customs-core", Self.notice(4)).status == 202)
            let answer = try await partner.post("bank-bidv", twice)
            #expect(answer.status == 202)
            let results = try #require(try G.members(answer.body)["results"] as? [[String: Any]])
            #expect(results.map { $0["status"] as? String } == ["ACCEPTED", "REJECTED"])
            #expect(results.last?["reasonCode"] as? String == "DUPLICATE")
        }
        #expect(try await gateway.outbound("customs-core/PaymentRecord").count == 1)
        await gateway.store.close()
    }
}
