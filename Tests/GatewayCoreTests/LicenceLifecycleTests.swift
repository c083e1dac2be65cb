import Foundation
@testable import GatewayCore
import Testing

/// The licence and permit lifecycle (world §1.5, flows 1 and 4) transition by transition: every
/// status the world allows and every refusal code of the moit, mard and customs-core READMEs,
/// on typed state alone — no HTTP, no store.
@Suite struct LicenceLifecycleTests {
    static let number = "00125/2025/GPNK-BCT"

    static let application = LicenceApplication(
        applicationId: "IA-2025-000418", submissionNo: 1, filedAt: "2025-02-20T09:00:00+07:00", licenceType: "AUTO_IMPORT",
        applicant: Trader(taxCode: "0105987654", name: "Công ty TNHH Thép Minh Phát", address: "Hà Nội"),
        requestedValidFrom: "2025-03-01", requestedValidUntil: "2025-08-31",
        goodsLines: [
            .init(lineNo: 1, hsCode: "72085100", description: "Thép cán nóng", quantity: 1200, unit: "TNE", value: 1, currency: "USD", originCountry: "JP"),
            .init(lineNo: 2, hsCode: "72091600", description: "Thép cán nguội", quantity: 450, unit: "TNE", value: 1, currency: "USD", originCountry: "JP"),
        ])

    static func decision(_ verdict: String = "APPROVED", lines: [(Int, String, DecimalNumber)] = [(1, "72085100", 600), (2, "72091600", 450)]) -> LicenceDecision {
        LicenceDecision(issuingAuthority: "MOIT", applicationId: "IA-2025-000418", decision: verdict, licenceNumber: verdict == "APPROVED" ? number : nil,
                        issueDate: "2025-02-27", validFrom: "2025-03-01", validUntil: "2025-08-31",
                        approvedLines: lines.map { .init(lineNo: $0.0, hsCode: $0.1, approvedQuantity: $0.2, unit: "TNE") },
                        reason: verdict == "APPROVED" ? nil : "incomplete", officerName: "Officer", decisionTime: "2025-02-27T10:00:00+07:00")
    }

    static func usage(_ declaration: String, date: String = "2025-03-12", _ lines: [(Int, String, DecimalNumber)]) -> LicenceUsage {
        LicenceUsage(declarationNumber: declaration, declarationDate: date, licenceNumber: number,
                     usageLines: lines.map { .init(licenceLineNo: $0.0, hsCode: $0.1, quantityUsed: $0.2, unit: "TNE") })
    }

    static func amendment(_ number: Int, validUntil: String? = nil, line: (Int, String, DecimalNumber)? = nil) -> LicenceAmendment {
        LicenceAmendment(licenceNumber: Self.number, amendmentNo: number, effectiveDate: "2025-04-01", newValidUntil: validUntil,
                         amendedLines: line.map { [.init(lineNo: $0.0, hsCode: $0.1, newApprovedQuantity: $0.2, unit: "TNE")] },
                         reason: "more steel", officerName: "Officer")
    }

    static let revocation = LicenceRevocation(licenceNumber: number, revocationDecisionNo: "123/QĐ-BCT", reason: "fraud",
                                              effectiveTime: "2025-05-01T00:00:00+07:00", officerName: "Minister")

    /// A delivered licence with nothing used yet, DELIVERED_TO_CUSTOMS.
    static func delivered() throws -> (CaseStatus?, LicenceFacts?) {
        let approved = try LicenceLifecycle.decide(decision(), application: application, status: .applied)
        let delivered = try #require(LicenceLifecycle.delivered(recordVersion: 1, status: approved.status, facts: approved.facts))
        return (delivered.status, delivered.facts)
    }

    static func code(_ body: () throws(GatewayError) -> some Any) -> String? {
        do {
            _ = try body()
            return nil
        } catch {
            return error.code.rawValue
        }
    }

    @Test func decisionsMoveTheApplicationAndOnlyAnApprovalMakesARecord() throws {
        let approved = try LicenceLifecycle.decide(Self.decision(), application: Self.application, status: .applied)
        #expect(approved.status == .approved)
        #expect(approved.record?.recordVersion == 1 && approved.record?.goodsLines.map(\.description) == ["Thép cán nóng", "Thép cán nguội"])
        #expect(approved.facts?.deliveredToCustoms == false)
        let supplement = try LicenceLifecycle.decide(Self.decision("SUPPLEMENT_REQUIRED"), application: Self.application, status: .applied)
        #expect(supplement.status == .supplementRequired && supplement.record == nil && supplement.facts == nil)
        let rejected = try LicenceLifecycle.decide(Self.decision("REJECTED"), application: Self.application, status: .supplementRequired)
        #expect(rejected.status == .rejected && rejected.record == nil)
        for final in [CaseStatus.approved, .rejected, .deliveredToCustoms, .inUse, .revoked] {
            #expect(Self.code { () throws(GatewayError) in try LicenceLifecycle.decide(Self.decision(), application: Self.application, status: final) }
                    == "DECISION_ALREADY_FINAL")
        }
        #expect(Self.code { () throws(GatewayError) in
            try LicenceLifecycle.decide(Self.decision(lines: [(3, "72085100", 1)]), application: Self.application, status: .applied)
        } == "LINE_MISMATCH")
    }

    @Test func approvedLinesAreFoundWhateverTheApplicationNumbersItsLines() throws {
        var application = Self.application
        application.goodsLines = [Self.application.goodsLines[1], Self.application.goodsLines[0]]
        application.goodsLines[0].lineNo = 20
        application.goodsLines[1].lineNo = 10
        let approved = try LicenceLifecycle.decide(Self.decision(lines: [(20, "72091600", 450), (10, "72085100", 600)]),
                                                   application: application, status: .applied)
        #expect(approved.record?.goodsLines.map(\.lineNo) == [20, 10])
        #expect(approved.record?.goodsLines.map(\.description) == ["Thép cán nguội", "Thép cán nóng"])
        for lines in [[(1, "72085100", DecimalNumber(600))], [(2, "72091600", DecimalNumber(450))], [(10, "72091600", DecimalNumber(450))]] {
            #expect(Self.code { () throws(GatewayError) in
                try LicenceLifecycle.decide(Self.decision(lines: lines), application: application, status: .applied)
            } == "LINE_MISMATCH")
        }
    }

    @Test func anApplicationIsFiledOnceAndAgainOnlyAfterASupplementWasAskedFor() throws {
        let filed = try LicenceLifecycle.file(Self.application, exists: false, status: nil, facts: nil)
        #expect(filed.status == nil && filed.facts?.submitted == 1, "no status until the authority takes it")
        var second = Self.application
        second.submissionNo = 2
        let refusals: [(Bool, CaseStatus?, ApplicationFacts?, LicenceApplication)] = [
            (false, nil, nil, second),
            (true, .applied, filed.facts, second),
            (true, .supplementRequired, filed.facts, Self.application),
        ]
        for (exists, status, facts, application) in refusals {
            #expect(Self.code { () throws(GatewayError) in try LicenceLifecycle.file(application, exists: exists, status: status, facts: facts) }
                    == "SUBMISSION_OUT_OF_SEQUENCE")
        }
        let again = try LicenceLifecycle.file(second, exists: true, status: .supplementRequired, facts: filed.facts)
        #expect(again.status == .supplementRequired && again.facts?.submitted == 2)
        #expect(LicenceLifecycle.applied(facts: again.facts).status == .applied)
    }

    @Test func customsTakingTheFirstRecordDeliversTheLicenceOnce() throws {
        let approved = try LicenceLifecycle.decide(Self.decision(), application: Self.application, status: .applied)
        #expect(LicenceLifecycle.delivered(recordVersion: 2, status: .approved, facts: approved.facts) == nil)
        let delivered = try #require(LicenceLifecycle.delivered(recordVersion: 1, status: .approved, facts: approved.facts))
        #expect(delivered.status == .deliveredToCustoms && delivered.facts?.deliveredToCustoms == true)
        #expect(LicenceLifecycle.delivered(recordVersion: 1, status: .deliveredToCustoms, facts: delivered.facts) == nil)
        // Revoked before customs-core answered: delivered, but it stays REVOKED.
        let revoked = try LicenceLifecycle.revoke(Self.revocation, facts: approved.facts)
        #expect(LicenceLifecycle.delivered(recordVersion: 1, status: revoked.status, facts: revoked.facts)?.status == .revoked)
    }

    @Test func usagesAreTalliedPerLineAndRefusedInTheCustomsCoreOrder() throws {
        let (status, facts) = try Self.delivered()
        let first = try LicenceLifecycle.use(Self.usage("106234567890", [(1, "72085100", 100)]), status: status, facts: facts, declarationCounted: false)
        #expect(first.status == .inUse && first.entries.map(\.event) == ["in-use"] && first.counted == ["106234567890"])
        #expect(first.facts?.quantityUsed(1) == 100 && first.facts?.usages == 1)
        let second = try LicenceLifecycle.use(Self.usage("106234567891", [(1, "72085100", 50)]), status: first.status, facts: first.facts,
                                              declarationCounted: false)
        #expect(second.status == .inUse && second.entries.map(\.event) == ["used"] && second.facts?.quantityUsed(1) == 150)

        let approved = try LicenceLifecycle.decide(Self.decision(), application: Self.application, status: .applied)
        let revoked = try LicenceLifecycle.revoke(Self.revocation, facts: second.facts)
        let refusals: [(String, CaseStatus?, LicenceFacts?, Bool, LicenceUsage)] = [
            ("UNKNOWN_LICENCE", nil, nil, false, Self.usage("1", [(1, "72085100", 1)])),
            ("UNKNOWN_LICENCE", .approved, approved.facts, false, Self.usage("1", [(1, "72085100", 1)])),
            ("LICENCE_REVOKED", .revoked, revoked.facts, true, Self.usage("1", [(1, "72085100", 1)])),
            ("DUPLICATE_USAGE", second.status, second.facts, true, Self.usage("1", date: "2026-01-01", [(9, "1", 9999)])),
            ("LICENCE_NOT_VALID", second.status, second.facts, false, Self.usage("1", date: "2025-09-01", [(9, "1", 9999)])),
            ("LINE_MISMATCH", second.status, second.facts, false, Self.usage("1", [(2, "72085100", 9999)])),
            ("QUANTITY_EXCEEDED", second.status, second.facts, false, Self.usage("1", [(1, "72085100", DecimalNumber("450.001")!)])),
        ]
        for (code, status, facts, counted, usage) in refusals {
            #expect(Self.code { () throws(GatewayError) in try LicenceLifecycle.use(usage, status: status, facts: facts, declarationCounted: counted) }
                    == code)
        }
        do {
            _ = try LicenceLifecycle.use(Self.usage("1", [(1, "72085100", 1), (2, "72091600", 451)]), status: second.status, facts: second.facts,
                                         declarationCounted: false)
            Issue.record("a usage over the approved quantity was accepted")
        } catch {
            #expect(error.details.map(\.path) == ["usageLines/1/quantityUsed"], "a refusal names the record's field")
        }
    }

    @Test func aUsageThatUsesUpEveryLineExhaustsAndAnAmendmentRaisingOneReturnsItToUse() throws {
        let (status, facts) = try Self.delivered()
        let all = try LicenceLifecycle.use(Self.usage("1", [(1, "72085100", 600), (2, "72091600", 450)]), status: status, facts: facts,
                                           declarationCounted: false)
        #expect(all.status == .exhausted && all.entries.map(\.status) == [.inUse, .exhausted], "IN_USE, then EXHAUSTED at once")
        let raised = try LicenceLifecycle.amend(Self.amendment(1, line: (2, "72091600", 500)), status: all.status, facts: all.facts, today: "2025-04-01")
        #expect(raised.status == .inUse && raised.record?.recordVersion == 2 && raised.record?.amendmentNo == 1)
        #expect(raised.record?.goodsLines[1].approvedQuantity == 500)
        let extended = try LicenceLifecycle.amend(Self.amendment(1, validUntil: "2025-10-31"), status: all.status, facts: all.facts, today: "2025-04-01")
        #expect(extended.status == .exhausted, "an amendment that raises nothing leaves the status")
    }

    @Test func amendmentsAreRefusedInTheMOITOrder() throws {
        let (status, facts) = try Self.delivered()
        let revoked = try LicenceLifecycle.revoke(Self.revocation, facts: facts)
        let refusals: [(String, CaseStatus?, LicenceFacts?, LicenceAmendment)] = [
            ("UNKNOWN_LICENCE", nil, nil, Self.amendment(1)),
            ("LICENCE_REVOKED", .revoked, revoked.facts, Self.amendment(1)),
            ("AMENDMENT_OUT_OF_SEQUENCE", status, facts, Self.amendment(2)),
            ("LINE_MISMATCH", status, facts, Self.amendment(1, line: (2, "72091700", 1))),
            ("INVALID_VALIDITY", status, facts, Self.amendment(1, validUntil: "2025-02-01")),
        ]
        for (code, status, facts, amendment) in refusals {
            #expect(Self.code { () throws(GatewayError) in try LicenceLifecycle.amend(amendment, status: status, facts: facts, today: "2025-04-01") }
                    == code)
        }
        #expect(Self.code { () throws(GatewayError) in try LicenceLifecycle.revoke(Self.revocation, facts: revoked.facts) } == "LICENCE_REVOKED")
        #expect(Self.code { () throws(GatewayError) in try LicenceLifecycle.revoke(Self.revocation, facts: nil) } == "UNKNOWN_LICENCE")
        #expect(revoked.status == .revoked && revoked.record?.status == "REVOKED" && revoked.record?.recordVersion == 2)
    }

    @Test func aLicenceExpiresTheDayAfterItsValidityAndAnExtensionBringsItBack() throws {
        let (status, facts) = try Self.delivered()
        let used = try LicenceLifecycle.use(Self.usage("1", [(1, "72085100", 1)]), status: status, facts: facts, declarationCounted: false)
        #expect(LicenceLifecycle.expire(status: used.status, facts: used.facts, today: "2025-08-31") == nil, "valid through its last day")
        let expired = try #require(LicenceLifecycle.expire(status: used.status, facts: used.facts, today: "2025-09-01"))
        #expect(expired.status == .expired && expired.record == nil)
        #expect(LicenceLifecycle.expire(status: expired.status, facts: expired.facts, today: "2025-09-02") == nil, "entered once")
        let tooShort = try LicenceLifecycle.amend(Self.amendment(1, validUntil: "2025-09-01"), status: expired.status, facts: expired.facts,
                                                  today: "2025-09-05")
        #expect(tooShort.status == .expired)
        let extended = try LicenceLifecycle.amend(Self.amendment(1, validUntil: "2025-12-31"), status: expired.status, facts: expired.facts,
                                                  today: "2025-09-05")
        #expect(extended.status == .inUse, "back to the status it had before it expired")
        let revoked = try LicenceLifecycle.revoke(Self.revocation, facts: facts)
        #expect(LicenceLifecycle.expire(status: revoked.status, facts: revoked.facts, today: "2026-01-01") == nil, "a revoked licence does not expire")
    }

    /// A MARD permit as its spec reads it: ISSUED grants (and re-issues), CANCELLED revokes at the same revision.
    static func permit(_ status: String, rev: Int, number: String = "2418/2025/BVTV-KDNK") -> Permit {
        Permit(permitNumber: number, revision: rev, decision: ["ISSUED": "GRANTED", "CANCELLED": "REVOKED", "REFUSED": "REFUSED"][status] ?? status,
               permitStatus: status, issuingAuthority: "MARD", licenceType: "PHYTOSANITARY_IMPORT", amendedBy: "GRANTED", revocationRevision: "SAME",
               holder: Trader(taxCode: "0301234567", name: "Công ty Nông sản", address: "TP HCM"), issueDate: "2025-03-01",
               validFrom: status == "REFUSED" ? nil : "2025-03-01", validUntil: status == "REFUSED" ? nil : "2025-06-30",
               goods: [.init(lineNo: 1, hsCode: "10019910", description: "Lúa mì", quantity: 500, unit: "TNE")],
               reason: status == "ISSUED" ? nil : "pests", decidedAt: "2025-03-01T08:00:00+07:00", declarationReference: nil)
    }

    /// A MOH permit as its spec reads it: ISSUED grants, AMENDED amends and REVOKED revokes, each at the next revision.
    static func foodPermit(_ status: String, rev: Int) -> Permit {
        var permit = permit(status, rev: rev, number: "1846/2025/ATTP-NK")
        permit.decision = ["ISSUED": "GRANTED", "AMENDED": "AMENDED", "REVOKED": "REVOKED"][status] ?? status
        permit.issuingAuthority = "MOH"
        permit.licenceType = "FOOD_SAFETY_IMPORT"
        permit.amendedBy = "AMENDED"
        permit.revocationRevision = "NEXT"
        return permit
    }

    @Test func aFoodPermitIsIssuedAmendedAndRevokedEachAtTheNextRevision() throws {
        let issued = try LicenceLifecycle.permit(Self.foodPermit("ISSUED", rev: 0), status: nil, facts: nil, today: "2025-05-15")
        #expect(issued.status == .approved && issued.record?.issuingAuthority == "MOH" && issued.record?.licenceType == "FOOD_SAFETY_IMPORT")
        let amended = try LicenceLifecycle.permit(Self.foodPermit("AMENDED", rev: 1), status: .inUse, facts: issued.facts, today: "2025-05-15")
        #expect(amended.status == .inUse && amended.record?.recordVersion == 2 && amended.record?.amendmentNo == 1)
        let revoked = try LicenceLifecycle.permit(Self.foodPermit("REVOKED", rev: 2), status: amended.status, facts: amended.facts, today: "2025-05-15")
        #expect(revoked.status == .revoked && revoked.record?.status == "REVOKED" && revoked.record?.recordVersion == 3)
        #expect(revoked.record?.amendmentNo == 1, "a revocation is not an amendment")
        let refusals: [(String, CaseStatus?, LicenceFacts?, Permit)] = [
            ("PERMIT_CLOSED", .revoked, revoked.facts, Self.foodPermit("AMENDED", rev: 3)),
            ("UNKNOWN_PERMIT", nil, nil, Self.foodPermit("AMENDED", rev: 1)),
            ("UNKNOWN_PERMIT", nil, nil, Self.foodPermit("REVOKED", rev: 1)),
            ("REVISION_OUT_OF_SEQUENCE", nil, nil, Self.foodPermit("ISSUED", rev: 1)),
            ("REVISION_OUT_OF_SEQUENCE", .approved, issued.facts, Self.foodPermit("ISSUED", rev: 1)),
            ("REVISION_OUT_OF_SEQUENCE", .approved, issued.facts, Self.foodPermit("AMENDED", rev: 2)),
            ("REVISION_OUT_OF_SEQUENCE", .approved, issued.facts, Self.foodPermit("REVOKED", rev: 0)),
        ]
        for (code, status, facts, permit) in refusals {
            #expect(Self.code { () throws(GatewayError) in try LicenceLifecycle.permit(permit, status: status, facts: facts, today: "2025-05-15") }
                    == code, "\(code)")
        }
    }

    @Test func aPermitIsIssuedReissuedAndCancelledInRevisionOrder() throws {
        let issued = try LicenceLifecycle.permit(Self.permit("ISSUED", rev: 0), status: nil, facts: nil, today: "2025-03-02")
        #expect(issued.status == .approved && issued.record?.recordVersion == 1 && issued.facts?.revision == 0)
        let reissued = try LicenceLifecycle.permit(Self.permit("ISSUED", rev: 1), status: .deliveredToCustoms, facts: issued.facts, today: "2025-03-02")
        #expect(reissued.status == .deliveredToCustoms && reissued.record?.recordVersion == 2 && reissued.record?.amendmentNo == 1)
        let cancelled = try LicenceLifecycle.permit(Self.permit("CANCELLED", rev: 1), status: reissued.status, facts: reissued.facts, today: "2025-03-02")
        #expect(cancelled.status == .revoked && cancelled.record?.status == "REVOKED" && cancelled.record?.recordVersion == 3)
        let refused = try LicenceLifecycle.permit(Self.permit("REFUSED", rev: 0, number: "1/2025/BVTV-KDNK"), status: nil, facts: nil, today: "2025-03-02")
        #expect(refused.status == .rejected && refused.record == nil && refused.facts == nil)

        let refusals: [(String, CaseStatus?, LicenceFacts?, Permit)] = [
            ("PERMIT_CLOSED", .revoked, cancelled.facts, Self.permit("ISSUED", rev: 2)),
            ("PERMIT_CLOSED", .rejected, nil, Self.permit("ISSUED", rev: 0)),
            ("UNKNOWN_PERMIT", nil, nil, Self.permit("CANCELLED", rev: 0)),
            ("REVISION_OUT_OF_SEQUENCE", nil, nil, Self.permit("ISSUED", rev: 1)),
            ("REVISION_OUT_OF_SEQUENCE", .approved, issued.facts, Self.permit("ISSUED", rev: 0)),
            ("REVISION_OUT_OF_SEQUENCE", .approved, issued.facts, Self.permit("CANCELLED", rev: 1)),
            ("REVISION_OUT_OF_SEQUENCE", .approved, issued.facts, Self.permit("REFUSED", rev: 0)),
        ]
        for (code, status, facts, permit) in refusals {
            #expect(Self.code { () throws(GatewayError) in try LicenceLifecycle.permit(permit, status: status, facts: facts, today: "2025-03-02") }
                    == code, "\(code)")
        }
    }
}
