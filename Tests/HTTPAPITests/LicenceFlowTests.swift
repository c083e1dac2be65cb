import Foundation
import GatewayCore
import Hub
import MessageSpecs
import Store
import Testing
import TestSupport

/// World §3 flow 1 over HTTP, from the application to the revocation: every LicenceRecord
/// customs-core receives compared with the world's chained examples, every status of §1.5, and
/// the refusals of the moit and customs-core READMEs.
@Suite struct LicenceFlowTests {
    typealias G = FlowGateway
    static let licence = "00125/2025/GPNK-BCT"
    static let usageSample = "LicenceUsage.v2/samples/LicenceUsage-01.json"

    static func moit(_ path: String, changing changes: [(String, String)] = []) throws -> [UInt8] {
        try G.signed("moit/\(path)", by: "moit", changing: changes)
    }

    static func customsCore(_ path: String, changing changes: [(String, String)] = []) throws -> [UInt8] {
        try G.signed("customs-core/\(path)", by: "customs-core", changing: changes)
    }

    /// A usage of licence 00125 by another declaration, with its own lines.
    static func usage(_ id: String, declaration: String, date: String = "2025-03-12", lines: String) throws -> [UInt8] {
        let sample = G.sample("customs-core/" + usageSample)
        let start = try #require(sample.range(of: "\"usageLines\": ["))
        let text = String(sample[..<start.upperBound]) + lines + "]\n}\n"
        return try G.signer("customs-core").sign(Array(text
            .replacingOccurrences(of: "9f8fc76c-82d5-4337-adab-574bdf697c15", with: id)
            .replacingOccurrences(of: "\"106234567890\"", with: "\"\(declaration)\"")
            .replacingOccurrences(of: "\"2025-03-12\"", with: "\"\(date)\"").utf8))
    }

    static func line(_ number: Int, _ hsCode: String, _ quantity: String) -> String {
        "{\"licenceLineNo\": \(number), \"hsCode\": \"\(hsCode)\", \"quantityUsed\": \(quantity), \"unit\": \"TNE\"}"
    }

    func records(_ customs: FakePartner) throws -> [[String: Any]] {
        try customs.deliveries.map { try G.members($0.body) }.filter { $0["messageType"] as? String == "LicenceRecord" }
    }

    @Test(arguments: FlowGateway.Database.allCases)
    func aLicenceFromApplicationToRevocation(_ database: FlowGateway.Database) async throws {
        let moit = try await FakePartner.start(answering: [202])
        let customs = try await FakePartner.start(answering: [202])
        defer { moit.stop(); customs.stop() }
        let gateway = try await G.start(endpoints: ["moit": moit, "customs-core": customs], database: database)
        let status = { @Sendable in try await gateway.status(.application, "IA-2025-000418") }

        try await gateway.http { partner in
            #expect(try await partner.post("customs-core", Self.customsCore("ImportApplication.v2/samples/ImportApplication-01.json")).status == 202)
            try await gateway.deliverAll()
            #expect(try await status() == "APPLIED")
            #expect(try await partner.post("moit", Self.moit("LicenceDecision.v1/samples/LicenceDecision-01.xml")).status == 202)
            #expect(try await status() == "APPROVED")
            // Usage before customs-core has the licence: unknown to it.
            let early = try await partner.post("customs-core", Self.customsCore(Self.usageSample))
            #expect(early.status == 409 && early.error == "UNKNOWN_LICENCE")
            try await gateway.deliverAll()
            #expect(try await status() == "DELIVERED_TO_CUSTOMS")

            let outOfSequence = try await partner.post("moit", Self.moit("LicenceAmendment.v1/samples/LicenceAmendment-02.xml"))
            #expect(outOfSequence.status == 409 && outOfSequence.error == "AMENDMENT_OUT_OF_SEQUENCE")

            #expect(try await partner.post("customs-core", Self.customsCore(Self.usageSample)).status == 202)
            #expect(try await status() == "IN_USE")
            let refusals: [(String, [UInt8])] = [
                ("DUPLICATE_USAGE", try Self.usage("9f8fc76c-0001-4337-adab-574bdf697c15", declaration: "106234567890", lines: Self.line(1, "72085100", "1"))),
                ("LICENCE_NOT_VALID", try Self.usage("9f8fc76c-0002-4337-adab-574bdf697c15", declaration: "106234560002", date: "2025-09-01",
                                                     lines: Self.line(1, "72085100", "1"))),
                ("LINE_MISMATCH", try Self.usage("9f8fc76c-0003-4337-adab-574bdf697c15", declaration: "106234560003", lines: Self.line(2, "72085100", "1"))),
                ("QUANTITY_EXCEEDED", try Self.usage("9f8fc76c-0004-4337-adab-574bdf697c15", declaration: "106234560004", lines: Self.line(1, "72085100", "600.001"))),
                ("UNKNOWN_LICENCE", try Self.customsCore(Self.usageSample, changing: [("9f8fc76c-82d5", "9f8fc76c-0005"), (Self.licence, "00999/2025/GPNK-BCT")])),
            ]
            for (code, body) in refusals {
                let answer = try await partner.post("customs-core", body)
                #expect(answer.status == 409 && answer.error == code, "\(code): \(answer.text)")
            }
            // The rest of both lines: every line used up.
            let rest = try Self.usage("9f8fc76c-0006-4337-adab-574bdf697c15", declaration: "106234560006",
                                      lines: Self.line(1, "72085100", "600") + ", " + Self.line(2, "72091600", "450"))
            #expect(try await partner.post("customs-core", rest).status == 202)
            #expect(try await status() == "EXHAUSTED")
            // Amendment 1 raises line 2 above what was used: back in use.
            #expect(try await partner.post("moit", Self.moit("LicenceAmendment.v1/samples/LicenceAmendment-01.xml")).status == 202)
            #expect(try await status() == "IN_USE")
            #expect(try await partner.post("moit", Self.moit("LicenceAmendment.v1/samples/LicenceAmendment-02.xml")).status == 202)
            #expect(try await partner.post("moit", Self.moit("LicenceRevocation.v1/samples/LicenceRevocation-01.xml")).status == 202)
            #expect(try await status() == "REVOKED")

            let afterRevocation: [(String, String, [UInt8])] = [
                ("customs-core", "LICENCE_REVOKED", try Self.usage("9f8fc76c-0007-4337-adab-574bdf697c15", declaration: "106234560007",
                                                                   lines: Self.line(2, "72091600", "1"))),
                ("moit", "LICENCE_REVOKED", try Self.moit("LicenceRevocation.v1/samples/LicenceRevocation-01.xml",
                                                          changing: [("26372a2b-5144", "26372a2b-0000")])),
                ("moit", "UNKNOWN_LICENCE", try Self.moit("LicenceRevocation.v1/samples/LicenceRevocation-02.xml")),
            ]
            for (sender, code, body) in afterRevocation {
                let answer = try await partner.post(sender, body)
                #expect(answer.status == 409 && answer.error == code, "\(code): \(answer.text)")
            }
            try await gateway.deliverAll()
        }
        let sent = try records(customs)
        #expect(sent.count == 4)
        for (index, record) in sent.enumerated() {
            try G.expectSameMembers(customs.deliveries.filter { (try? G.members($0.body)["messageType"] as? String) == "LicenceRecord" }[index].body,
                                    as: "customs-core/LicenceRecord.v2/samples/LicenceRecord-0\(index + 1).json", except: ["messageId", "sentAt"])
            #expect(record["recordVersion"] as? Int == index + 1)
        }
        let timeline = try #require(try await gateway.store.timeline(kind: .application, key: "IA-2025-000418"))
        var entered: [String] = []
        for event in timeline.events where entered.last != event.status?.rawValue { entered.append(event.status?.rawValue ?? "") }
        #expect(entered == ["APPLIED", "APPROVED", "DELIVERED_TO_CUSTOMS", "IN_USE", "EXHAUSTED", "IN_USE", "REVOKED"])
        #expect(try await gateway.store.verifyAudit().isIntact)
        await gateway.store.close()
    }

    /// Declarations clearing at once draw on one licence: each usage is decided on the case as
    /// the others left it (compare-and-set), none is lost or counted twice, none is refused.
    @Test(arguments: FlowGateway.Database.allCases)
    func concurrentUsagesOfOneLicenceAreAllCounted(_ database: FlowGateway.Database) async throws {
        let partners = try await FakePartner.start(answering: [202])
        defer { partners.stop() }
        let gateway = try await G.start(endpoints: ["moit": partners, "customs-core": partners], database: database)
        for (partner, body) in [("customs-core", try Self.customsCore("ImportApplication.v2/samples/ImportApplication-01.json")),
                                ("moit", try Self.moit("LicenceDecision.v1/samples/LicenceDecision-01.xml"))] {
            #expect(await gateway.pipeline.receive(from: partner, body).status == 202)
            try await gateway.deliverAll()
        }
        let usages = try (0..<24).map { index in
            try Self.usage(String(format: "9f8fc76c-%04d-4337-adab-574bdf697c15", 2000 + index), declaration: String(format: "1062345%05d", index),
                           lines: Self.line(1, "72085100", "10"))
        }
        let answers = await withTaskGroup(of: Int.self) { group in
            for body in usages { group.addTask { await gateway.pipeline.receive(from: "customs-core", body).status } }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        print("concurrent usages of one licence on \(database): \(answers.filter { $0 == 202 }.count) accepted of \(answers.count), answers \(Set(answers))")
        #expect(answers.allSatisfy { $0 == 202 }, "\(answers)")
        let tracked = try #require(try await CaseTracking(runtime: gateway.pipeline.runtime).find(.licence, Self.licence))
        #expect(tracked.facts.lines.first?.used?.value == 240, "24 usages of 10 TNE each")
        #expect(try await gateway.store.verifyAudit().isIntact)
        await gateway.store.close()
    }

    @Test func aSupplementRequiredApplicationIsSubmittedAgain() async throws {
        let moit = try await FakePartner.start(answering: [202])
        defer { moit.stop() }
        let gateway = try await G.start(endpoints: ["moit": moit])
        let application = "ImportApplication.v2/samples/ImportApplication-02.json"
        let messageId = "d539fca4-9d06-4edb-b1d0-3b30cb9c2dad"
        try await gateway.http { partner in
            let notFirst = try await partner.post("customs-core", Self.customsCore(application, changing: [(messageId, "d539fca4-0000-4edb-b1d0-3b30cb9c2dad"),
                                                                                                          ("\"submissionNo\": 1", "\"submissionNo\": 2")]))
            #expect(notFirst.status == 409 && notFirst.error == "SUBMISSION_OUT_OF_SEQUENCE")
            #expect(try await partner.post("customs-core", Self.customsCore(application)).status == 202)
            try await gateway.deliverAll()
            let tooEarly = try await partner.post("customs-core", Self.customsCore(application, changing: [(messageId, "d539fca4-1111-4edb-b1d0-3b30cb9c2dad"),
                                                                                                          ("\"submissionNo\": 1", "\"submissionNo\": 2")]))
            #expect(tooEarly.status == 409 && tooEarly.error == "SUBMISSION_OUT_OF_SEQUENCE", "no supplement was asked for yet")
            #expect(try await partner.post("moit", Self.moit("LicenceDecision.v1/samples/LicenceDecision-02.xml")).status == 202)
            #expect(try await gateway.status(.application, "IA-2025-000457") == "SUPPLEMENT_REQUIRED")
            let skipping = try await partner.post("customs-core", Self.customsCore(application, changing: [(messageId, "d539fca4-2222-4edb-b1d0-3b30cb9c2dad"),
                                                                                                          ("\"submissionNo\": 1", "\"submissionNo\": 3")]))
            #expect(skipping.status == 409 && skipping.error == "SUBMISSION_OUT_OF_SEQUENCE")
            let supplemented = try await partner.post("customs-core", Self.customsCore(application, changing: [(messageId, "d539fca4-3333-4edb-b1d0-3b30cb9c2dad"),
                                                                                                              ("\"submissionNo\": 1", "\"submissionNo\": 2")]))
            #expect(supplemented.status == 202)
            try await gateway.deliverAll()
        }
        #expect(moit.deliveries.count == 2)
        let second = try G.specs.read(try #require(moit.deliveries.last).body).record
        #expect(String(decoding: JSONWriter.compact(second), as: UTF8.self).contains("\"submissionNo\":2"))
        let timeline = try #require(try await gateway.store.timeline(kind: .application, key: "IA-2025-000457"))
        #expect(timeline.events.map(\.status?.rawValue) == ["APPLIED", "SUPPLEMENT_REQUIRED", "APPLIED"])
        await gateway.store.close()
    }

    @Test func decisionsAndAmendmentsThatDoNotMatchTheLinesAreRefused() async throws {
        let moit = try await FakePartner.start(answering: [202])
        defer { moit.stop() }
        let gateway = try await G.start(endpoints: ["moit": moit])
        let decision = "LicenceDecision.v1/samples/LicenceDecision-01.xml"
        let amendment = "LicenceAmendment.v1/samples/LicenceAmendment-01.xml"
        try await gateway.http { partner in
            #expect(try await partner.post("customs-core", Self.customsCore("ImportApplication.v2/samples/ImportApplication-01.json")).status == 202)
            try await gateway.deliverAll()
            let refusals: [(String, [UInt8])] = [
                ("LINE_MISMATCH", try Self.moit(decision, changing: [("fa9d8150-f485", "fa9d8150-0001"), ("<LineNo>2</LineNo>", "<LineNo>3</LineNo>")])),
                ("LINE_MISMATCH", try Self.moit(decision, changing: [("fa9d8150-f485", "fa9d8150-0002"), ("<HSCode>72091600</HSCode>", "<HSCode>72091700</HSCode>")])),
                ("LINE_MISMATCH", try Self.moit(decision, changing: [("fa9d8150-f485", "fa9d8150-0003"), (">1200<", ">999999<")])),
            ]
            for (code, body) in refusals {
                let answer = try await partner.post("moit", body)
                #expect(answer.status == 409 && answer.error == code, "\(code): \(answer.text)")
            }
            #expect(try await gateway.status(.application, "IA-2025-000418") == "APPLIED", "a refused decision changes nothing")
            #expect(try await partner.post("moit", Self.moit(decision)).status == 202)
            let otherLine = try await partner.post("moit", Self.moit(amendment, changing: [("<HSCode>72091600</HSCode>", "<HSCode>72091700</HSCode>")]))
            #expect(otherLine.status == 409 && otherLine.error == "LINE_MISMATCH", "\(otherLine.text)")
            let backwards = try await partner.post("moit", Self.moit(amendment, changing: [("205de454-eaa3", "205de454-0001"),
                                                                                          ("<NewValidUntil>2025-10-31</NewValidUntil>", "<NewValidUntil>2025-02-01</NewValidUntil>")]))
            #expect(backwards.status == 409 && backwards.error == "INVALID_VALIDITY", "\(backwards.text)")
        }
        #expect(try await gateway.outbound("customs-core/LicenceRecord").count == 1, "only the approval made a record")
        // Nothing of a refused message is stored but its line in the audit chain.
        let refused = try await gateway.store.auditEntries(kind: "message.refused")
        #expect(refused.map { $0.detail.split(separator: " ").first.map(String.init) }
                == ["LINE_MISMATCH", "LINE_MISMATCH", "LINE_MISMATCH", "LINE_MISMATCH", "INVALID_VALIDITY"])
        #expect(refused.first?.subject == "moit/fa9d8150-0001-4f54-9295-3e01edc6eb5a")
        #expect(refused.first?.detail.contains("moit/LicenceDecision") == true && refused.first?.detail.contains("CN=eps-signing.moit.example") == true)
        #expect(try await gateway.store.verifyAudit().isIntact)
        await gateway.store.close()
    }
}

/// A database of an earlier release kept no facts with its cases: the first start fills them
/// from the history, once, and the licence goes on as if nothing had happened.
@Suite struct LicenceFactsBackfillTests {
    typealias G = FlowGateway
    typealias L = LicenceFlowTests

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3"), "Debian's sqlite3 (scripts/install-debian-packages --with-test-tools)"))
    func factsOfAnEarlierReleaseAreFilledFromTheHistoryOnce() async throws {
        let partners = try await FakePartner.start(answering: [202])
        defer { partners.stop() }
        let gateway = try await G.start(endpoints: ["moit": partners, "customs-core": partners])
        guard case .sqlite(let path) = gateway.store.location else { Issue.record("not SQLite"); return }
        try await gateway.http { partner in
            #expect(try await partner.post("customs-core", L.customsCore("ImportApplication.v2/samples/ImportApplication-01.json")).status == 202)
            try await gateway.deliverAll()
            #expect(try await partner.post("moit", L.moit("LicenceDecision.v1/samples/LicenceDecision-01.xml")).status == 202)
            try await gateway.deliverAll()
            #expect(try await partner.post("customs-core", L.customsCore(L.usageSample)).status == 202)
        }
        // The cases as schema 3 left them: a status, no facts, no counted declarations.
        let erase = Command.run("/usr/bin/sqlite3", [path, "UPDATE cases SET state = NULL, version = 0, alias = NULL, valid_until = NULL; DELETE FROM case_items;"])
        #expect(erase.status == 0, "\(erase.standardError)")
        let backfill = LicenceFactsBackfill(runtime: gateway.pipeline.runtime)
        #expect(try await backfill.run() == [L.licence])
        #expect(try await backfill.run() == [], "filled once")
        try await gateway.http { partner in
            let again = try await partner.post("customs-core", L.usage("9f8fc76c-0101-4337-adab-574bdf697c15", declaration: "106234567890",
                                                                      lines: L.line(1, "72085100", "1")))
            #expect(again.status == 409 && again.error == "DUPLICATE_USAGE", "\(again.text)")
            let over = try await partner.post("customs-core", L.usage("9f8fc76c-0102-4337-adab-574bdf697c15", declaration: "106234560102",
                                                                     lines: L.line(1, "72085100", "600.001")))
            #expect(over.status == 409 && over.error == "QUANTITY_EXCEEDED", "the 600 used before the upgrade count: \(over.text)")
            let rest = try L.usage("9f8fc76c-0103-4337-adab-574bdf697c15", declaration: "106234560103",
                                   lines: L.line(1, "72085100", "600") + ", " + L.line(2, "72091600", "450"))
            #expect(try await partner.post("customs-core", rest).status == 202)
        }
        #expect(try await gateway.status(.application, "IA-2025-000418") == "EXHAUSTED")
        #expect(try await gateway.store.verifyAudit().isIntact)
        await gateway.store.close()
    }
}
