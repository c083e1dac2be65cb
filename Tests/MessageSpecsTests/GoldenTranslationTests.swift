import Foundation
import GatewayCore
import MessageSpecs
import Testing
import TestSupport

/// Every translation of world §3 on the chained examples: the same application id, licence
/// number, tax code and declaration numbers flow from one partner's message into the next. Ids and
/// times are injected from the expected document, so whole documents are compared byte for byte.
@Suite struct GoldenTranslationTests {
    static let specs = RepositoryPaths.root + "/MessageSpecs"
    static let registry: SpecRegistry = {
        do { return try SpecRegistry(directory: specs) } catch { preconditionFailure("\(error)") }
    }()

    static func sample(_ name: String) -> String {
        let folders = (try? FileManager.default.subpathsOfDirectory(atPath: specs)) ?? []
        guard let match = folders.first(where: { $0.hasSuffix("/samples/\(name)") }) else { preconditionFailure("no sample \(name)") }
        return "\(specs)/\(match)"
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let table: String
        let source: String
        let target: String
        var context: [String] = []
        var verdicts: [String] = []
        let expected: String
        var time: String?
        var testDescription: String { "\(table): \(source) → \(expected)" }
    }

    static let cases: [Case] = [
        Case(table: "1a", source: "ImportApplication-01.json", target: "moit/ImportLicenceApplication", expected: "ImportLicenceApplication-01.xml"),
        Case(table: "1a", source: "ImportApplication-02.json", target: "moit/ImportLicenceApplication", expected: "ImportLicenceApplication-02.xml"),
        Case(table: "1b", source: "LicenceDecision-01.xml", target: "customs-core/LicenceRecord",
             context: ["ImportLicenceApplication-01.xml", "ImportLicenceApplication-02.xml"], expected: "LicenceRecord-01.json"),
        Case(table: "1c", source: "LicenceAmendment-01.xml", target: "customs-core/LicenceRecord",
             context: ["LicenceRecord-01.json"], expected: "LicenceRecord-02.json"),
        Case(table: "1c", source: "LicenceAmendment-02.xml", target: "customs-core/LicenceRecord",
             context: ["LicenceRecord-01.json", "LicenceRecord-02.json"], expected: "LicenceRecord-03.json"),
        Case(table: "1d", source: "LicenceRevocation-01.xml", target: "customs-core/LicenceRecord",
             context: ["LicenceRecord-01.json", "LicenceRecord-02.json", "LicenceRecord-03.json"], expected: "LicenceRecord-04.json"),
        Case(table: "2a", source: "PaymentConfirmation-01.json", target: "customs-core/PaymentRecord", expected: "PaymentRecord-01.json"),
        Case(table: "2a", source: "PaymentConfirmation-03.json", target: "customs-core/PaymentRecord", expected: "PaymentRecord-03.json"),
        Case(table: "2b", source: "camt.054-01.xml", target: "customs-core/PaymentRecord", expected: "PaymentRecord-02.json"),
        Case(table: "2b", source: "camt.054-02.xml", target: "customs-core/PaymentRecord", expected: "PaymentRecord-04.json"),
        Case(table: "2d", source: "PaymentConfirmation-01.json", target: "bank-vcb/PaymentAcknowledgement",
             expected: "PaymentAcknowledgement-01.json", time: "2025-03-12T14:22:35+07:00"),
        Case(table: "2d", source: "PaymentConfirmation-03.json", target: "bank-vcb/PaymentAcknowledgement",
             expected: "PaymentAcknowledgement-02.json"),
        Case(table: "2d", source: "PaymentConfirmation-02.json", target: "bank-vcb/PaymentRejection",
             verdicts: ["REJECTED AMOUNT_MISMATCH: Paid amount 3412050000 VND differs from amount due 3412500000 VND on tax notice TB-2025-00004733."],
             expected: "PaymentRejection-01.json"),
        Case(table: "2d", source: "PaymentConfirmation-04.json", target: "bank-vcb/PaymentRejection",
             verdicts: ["REJECTED DUPLICATE: Tax notice TB-2025-00004512 was already settled by transaction VCB20250312004567."],
             expected: "PaymentRejection-02.json"),
        Case(table: "2d", source: "camt.054-01.xml", target: "bank-bidv/NotificationResult", verdicts: ["ACCEPTED"],
             expected: "NotificationResult-01.json"),
        Case(table: "2d", source: "camt.054-02.xml", target: "bank-bidv/NotificationResult",
             verdicts: ["ACCEPTED", "REJECTED UNKNOWN_DECLARATION: No open tax notice TB-2025-00009999 for declaration 106299990001."],
             expected: "NotificationResult-02.json"),
        Case(table: "3a", source: "CertificateOfOriginIssued-01.xml", target: "asw/FORM_D", expected: "FORM_D-01-VN-to-TH.xml"),
        Case(table: "3a", source: "CertificateOfOriginIssued-02.xml", target: "asw/FORM_D", expected: "FORM_D-02-VN-to-SG.xml"),
        Case(table: "3b", source: "FORM_D-03-SG-to-VN.xml", target: "customs-core/CertificateOfOriginRecord", expected: "CertificateOfOriginRecord-01.json"),
        Case(table: "3b", source: "FORM_D-04-TH-to-VN.xml", target: "customs-core/CertificateOfOriginRecord", expected: "CertificateOfOriginRecord-02.json"),
        Case(table: "3c", source: "ACDD-01-SG-to-VN.xml", target: "customs-core/AseanExportDeclarationRecord", expected: "AseanExportDeclarationRecord-01.json"),
        Case(table: "3c", source: "ACDD-02-TH-to-VN.xml", target: "customs-core/AseanExportDeclarationRecord", expected: "AseanExportDeclarationRecord-02.json"),
        Case(table: "3d", source: "FORM_D-03-SG-to-VN.xml", target: "asw/ACK", verdicts: ["ACCEPTED"], expected: "ACK-04-VN-ACCEPTED.xml"),
        Case(table: "4a", source: "phyto_imp_permit-01.xml", target: "customs-core/LicenceRecord", expected: "LicenceRecord-05.json"),
        Case(table: "5a", source: "FoodImportPermit-01.xml", target: "customs-core/LicenceRecord", expected: "LicenceRecord-06.json"),
        Case(table: "5a", source: "FoodImportPermit-02.xml", target: "customs-core/LicenceRecord", context: ["LicenceRecord-06.json"],
             expected: "LicenceRecord-07.json"),
        Case(table: "5a", source: "FoodImportPermit-03.xml", target: "customs-core/LicenceRecord",
             context: ["LicenceRecord-06.json", "LicenceRecord-07.json"], expected: "LicenceRecord-08.json"),
        Case(table: "5a", source: "FoodImportPermit-04.xml", target: "customs-core/LicenceRecord", expected: "LicenceRecord-09.json"),
    ]

    @Test(arguments: cases)
    func translationMatchesTheWorldsExample(_ golden: Case) throws {
        let registry = Self.registry
        let expectedBytes = read(Self.sample(golden.expected))
        let expected = try registry.read(expectedBytes)
        // BIDV's NotificationResult carries no time; any clock will do for it.
        let stoppedAt = golden.time ?? expected.envelope.sentAt ?? expected.record["decidedAt"]?.stringValue ?? "2025-04-02T23:55:01+07:00"
        let translator = Translator(registry: registry, clock: try #require(FixedClock(stoppedAt)),
                                    ids: FixedMessageIds([expected.envelope.messageId].compactMap { $0 }))
        let source = try registry.read(read(Self.sample(golden.source)))
        let context = try golden.context.map { try registry.read(read(Self.sample($0))) }
        let outputs = try translator.translate(source, to: golden.target,
                                               inputs: .init(context: context, verdicts: golden.verdicts.compactMap(Verdict.init)))
        let output = try #require(outputs.first)
        #expect(String(decoding: output.bytes, as: UTF8.self) == String(decoding: expectedBytes, as: UTF8.self))
    }
}
