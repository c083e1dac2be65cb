import Foundation
import GatewayCore
import Hub
import Store
import Testing
import TestSupport

/// World §3 flow 4 over HTTP: MARD's permits issued, re-issued, refused and cancelled, their
/// LicenceRecords for customs-core, usage against a permit, quarantine results recorded, and
/// the refusals of the mard README.
@Suite struct PermitFlowTests {
    typealias G = FlowGateway
    static let permit = "mard/phyto_imp_permit.v2/samples/phyto_imp_permit-01.xml"
    static let refused = "mard/phyto_imp_permit.v2/samples/phyto_imp_permit-02.xml"
    static let number = "2418/2025/BVTV-KDNK"
    static let messageId = "5d4c0bcb-f440-4fb6-8da7-c6a9bbb5c6ff"

    /// Permit 2418 again under a new msg_id, with another rev and status.
    static func permit(_ id: String, rev: Int, status: String = "ISSUED", reason: String? = nil) throws -> [UInt8] {
        var changes = [(messageId, id), ("rev=\"0\" status=\"ISSUED\"", "rev=\"\(rev)\" status=\"\(status)\"")]
        if let reason { changes.append(("  <officer>", "  <reason>\(reason)</reason>\n  <officer>")) }
        return try G.signed(permit, by: "mard", changing: changes)
    }

    @Test(arguments: FlowGateway.Database.allCases)
    func aPermitIsIssuedUsedInspectedReissuedAndCancelled(_ database: FlowGateway.Database) async throws {
        let customs = try await FakePartner.start(answering: [202])
        defer { customs.stop() }
        let gateway = try await G.start(endpoints: ["customs-core": customs], database: database)
        try await gateway.http { partner in
            let refusal = try await partner.post("mard", G.signed(Self.refused, by: "mard"))
            #expect(refusal.status == 202)
            #expect(try await gateway.status(.permit, "2476/2025/BVTV-KDNK") == "REJECTED")
            // A refused permit is a case all the same: an officer finds it by its number.
            let tracked = try await partner.get("/v1/licences/2476/2025/BVTV-KDNK")
            #expect(tracked.status == 200)
            #expect(try G.members(tracked.body)["status"] as? String == "REJECTED", "\(tracked.text)")
            let page = try await partner.get("/track?q=2476%2F2025%2FBVTV-KDNK")
            #expect(page.status == 200 && page.text.contains("class=\"badge bad\" title=\"REJECTED\">Bị từ chối · Refused"), "\(page.text)")
            let closed = try await partner.post("mard", G.signed(Self.refused, by: "mard", changing: [("b9c30775-252a", "b9c30775-0000")]))
            #expect(closed.status == 409 && closed.error == "PERMIT_CLOSED")
            let early = try await partner.post("mard", G.signed("mard/qrtn_result.v2/samples/qrtn_result-01.xml", by: "mard"))
            #expect(early.status == 409 && early.error == "UNKNOWN_PERMIT")
            let cancelUnknown = try await partner.post("mard", Self.permit("5d4c0bcb-0001-4fb6-8da7-c6a9bbb5c6ff", rev: 0, status: "CANCELLED", reason: "Hủy"))
            #expect(cancelUnknown.status == 409 && cancelUnknown.error == "UNKNOWN_PERMIT")

            #expect(try await partner.post("mard", G.signed(Self.permit, by: "mard")).status == 202)
            #expect(try await gateway.status(.permit, Self.number) == "APPROVED")
            let skipping = try await partner.post("mard", Self.permit("5d4c0bcb-0002-4fb6-8da7-c6a9bbb5c6ff", rev: 2))
            #expect(skipping.status == 409 && skipping.error == "REVISION_OUT_OF_SEQUENCE")
            let wrongCancel = try await partner.post("mard", Self.permit("5d4c0bcb-0003-4fb6-8da7-c6a9bbb5c6ff", rev: 1, status: "CANCELLED", reason: "Hủy"))
            #expect(wrongCancel.status == 409 && wrongCancel.error == "REVISION_OUT_OF_SEQUENCE")
            try await gateway.deliverAll()
            #expect(try await gateway.status(.permit, Self.number) == "DELIVERED_TO_CUSTOMS")

            #expect(try await partner.post("customs-core", G.signed("customs-core/LicenceUsage.v2/samples/LicenceUsage-02.json", by: "customs-core")).status == 202)
            #expect(try await gateway.status(.permit, Self.number) == "IN_USE")
            for result in ["qrtn_result-01", "qrtn_result-02"] {
                #expect(try await partner.post("mard", G.signed("mard/qrtn_result.v2/samples/\(result).xml", by: "mard")).status == 202)
            }
            #expect(try await partner.post("mard", Self.permit("5d4c0bcb-0004-4fb6-8da7-c6a9bbb5c6ff", rev: 1)).status == 202)
            #expect(try await gateway.status(.permit, Self.number) == "IN_USE", "a re-issue changes no status")
            #expect(try await partner.post("mard", Self.permit("5d4c0bcb-0005-4fb6-8da7-c6a9bbb5c6ff", rev: 1, status: "CANCELLED",
                                                               reason: "Doanh nghiệp đề nghị hủy giấy phép.")).status == 202)
            #expect(try await gateway.status(.permit, Self.number) == "REVOKED")
            let afterCancel = try await partner.post("mard", Self.permit("5d4c0bcb-0006-4fb6-8da7-c6a9bbb5c6ff", rev: 2))
            #expect(afterCancel.status == 409 && afterCancel.error == "PERMIT_CLOSED")
            try await gateway.deliverAll()
        }
        let records = try customs.deliveries.map { try G.members($0.body) }
        #expect(records.map { $0["recordVersion"] as? Int } == [1, 2, 3])
        #expect(records.map { $0["amendmentNo"] as? Int } == [0, 1, 1])
        #expect(records.map { $0["status"] as? String } == ["ACTIVE", "ACTIVE", "REVOKED"])
        try G.expectSameMembers(try #require(customs.deliveries.first).body, as: "customs-core/LicenceRecord.v2/samples/LicenceRecord-05.json",
                                except: ["messageId", "sentAt"])
        #expect(records.last?["revocationReason"] as? String == "Doanh nghiệp đề nghị hủy giấy phép.")
        let timeline = try #require(try await gateway.store.timeline(kind: .permit, key: Self.number))
        let results = timeline.events.filter { $0.event == "quarantine-result" }.compactMap(\.detail)
        #expect(results.count == 2)
        #expect(results.first?.hasPrefix("PASS for consignment VUT-2025-04-0117, declaration 106234568390") == true)
        #expect(results.last?.hasPrefix("TREATMENT_REQUIRED") == true)
        await gateway.store.close()
    }
}
