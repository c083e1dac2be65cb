import Foundation
import GatewayCore
import Hub
import Store
import Testing
import TestSupport

/// World §3 flow 5 over HTTP: the Ministry of Health's food-safety import permits — a partner the
/// gateway takes by configuration alone (`Partners/moh.yaml`, `MessageSpecs/moh/`) — issued, used
/// by a declaration, amended and revoked, each as the LicenceRecord of the world's example chain,
/// and refused with the codes of the moh README in its order.
@Suite struct FoodPermitFlowTests {
    typealias G = FlowGateway
    static let number = "1846/2025/ATTP-NK"

    static func permit(_ sample: Int, id: String? = nil, changing changes: [(String, String)] = []) throws -> [UInt8] {
        let path = "moh/FoodImportPermit.v1/samples/FoodImportPermit-0\(sample).xml"
        let messageId = ["7c1d2f0e-5b8a-4e61-9a3c-2f4b6d8e0a17", "e3a9b4c6-1f7d-4a28-b5e0-8c2d9f6a3b41", "4b8e1a7d-c2f5-4d39-8e6a-0f1c3b5d7e92",
                         "9d0f3e2a-6c4b-4f8d-a1e7-5b3c2d1e0f64"][sample - 1]
        return try G.signed(path, by: "moh", changing: (id.map { [(messageId, $0)] } ?? []) + changes)
    }

    static let amendmentReason = "<reason>Điều chỉnh tăng số lượng dòng hàng 1 theo văn bản đề nghị số 56/AK-2025 ngày 03/06/2025 của doanh nghiệp.</reason>"

    @Test(arguments: FlowGateway.Database.allCases)
    func aFoodPermitIsIssuedUsedAmendedAndRevoked(_ database: FlowGateway.Database) async throws {
        let customs = try await FakePartner.start(answering: [202])
        defer { customs.stop() }
        let gateway = try await G.start(endpoints: ["customs-core": customs], database: database)
        let status = { @Sendable in try await gateway.status(.permit, Self.number) }
        try await gateway.http { partner in
            func refused(_ body: [UInt8], as sender: String = "moh") async throws -> String? {
                let answer = try await partner.post(sender, body)
                #expect(answer.status == 409, "\(answer.text)")
                return answer.error
            }
            #expect(try await refused(Self.permit(2)) == "UNKNOWN_PERMIT")
            #expect(try await partner.post("moh", Self.permit(1)).status == 202)
            #expect(try await status() == "APPROVED")
            #expect(try await refused(Self.permit(1, id: "7c1d2f0e-0000-4e61-9a3c-2f4b6d8e0a17")) == "REVISION_OUT_OF_SEQUENCE", "a second ISSUED")
            try await gateway.deliverAll()
            #expect(try await status() == "DELIVERED_TO_CUSTOMS")

            #expect(try await partner.post("customs-core", G.signed("customs-core/LicenceUsage.v2/samples/LicenceUsage-03.json", by: "customs-core")).status == 202)
            #expect(try await status() == "IN_USE")
            #expect(try await refused(Self.permit(2, id: "e3a9b4c6-0001-4a28-b5e0-8c2d9f6a3b41", changing: [(Self.amendmentReason, "")])) == "REASON_MISSING")
            #expect(try await refused(Self.permit(2, id: "e3a9b4c6-0002-4a28-b5e0-8c2d9f6a3b41",
                                                  changing: [("<validFrom>2025-05-14</validFrom>", "<validFrom>2025-12-01</validFrom>")])) == "INVALID_VALIDITY")
            #expect(try await refused(Self.permit(2, id: "e3a9b4c6-0003-4a28-b5e0-8c2d9f6a3b41",
                                                  changing: [("<revisionNumber>1</revisionNumber>", "<revisionNumber>2</revisionNumber>")])) == "REVISION_OUT_OF_SEQUENCE")
            #expect(try await partner.post("moh", Self.permit(2)).status == 202)
            #expect(try await status() == "IN_USE", "an amendment changes no status")
            #expect(try await partner.post("moh", Self.permit(3)).status == 202)
            #expect(try await status() == "REVOKED")
            // Closed comes first: a message for the revoked permit, even one without a reason.
            #expect(try await refused(Self.permit(2, id: "e3a9b4c6-0004-4a28-b5e0-8c2d9f6a3b41",
                                                  changing: [(Self.amendmentReason, ""), ("<revisionNumber>1</revisionNumber>", "<revisionNumber>3</revisionNumber>")]))
                    == "PERMIT_CLOSED")
            let afterRevocation = try G.signed("customs-core/LicenceUsage.v2/samples/LicenceUsage-03.json", by: "customs-core", changing: [
                ("a2c4e6f8-0b1d-4f35-9a7c-e1b3d5f7092b", "a2c4e6f8-0000-4f35-9a7c-e1b3d5f7092b"), ("106234568827", "106234568828"),
            ])
            #expect(try await refused(afterRevocation, as: "customs-core") == "LICENCE_REVOKED")
            #expect(try await partner.post("moh", Self.permit(4)).status == 202)
            try await gateway.deliverAll()

            let tracked = try await partner.get("/v1/licences/1846/2025/ATTP-NK")
            #expect(try G.members(tracked.body)["status"] as? String == "REVOKED", "\(tracked.text)")
        }
        let records = customs.deliveries.filter { (try? G.members($0.body)["messageType"] as? String) == "LicenceRecord" }
        let first = try records.filter { try G.members($0.body)["licenceNumber"] as? String == Self.number }
        #expect(first.count == 3)
        for (index, record) in first.enumerated() {
            try G.expectSameMembers(record.body, as: "customs-core/LicenceRecord.v2/samples/LicenceRecord-0\(index + 6).json", except: ["messageId", "sentAt"])
        }
        let branch = try #require(try records.first { try G.members($0.body)["licenceNumber"] as? String == "1902/2025/ATTP-NK" })
        try G.expectSameMembers(branch.body, as: "customs-core/LicenceRecord.v2/samples/LicenceRecord-09.json", except: ["messageId", "sentAt"])
        let timeline = try #require(try await gateway.store.timeline(kind: .permit, key: "1902/2025/ATTP-NK"))
        #expect(timeline.events.first?.detail == "revision 0, for declaration 106234568950")
        #expect(try await gateway.store.verifyAudit().isIntact)
        await gateway.store.close()
    }
}
