import Foundation
import GatewayCore
import MessageSpecs
import Testing
import TestSupport

/// The rules a schema cannot say, each refused with the code the partner's README expects and
/// the field it is about.
@Suite struct SpecRuleTests {
    struct Breach: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let sample: String
        let replace: String
        let with: String
        let code: ErrorCode
        let mentions: String
    }

    static let breaches: [Breach] = [
        Breach(testDescription: "approved decision without a licence number", sample: "moit/LicenceDecision.v1/samples/LicenceDecision-01.xml",
               replace: "<LicenceNumber>00125/2025/GPNK-BCT</LicenceNumber>", with: "",
               code: ErrorCode(rawValue: "DECISION_INCOMPLETE"), mentions: "/LicenceDecision/LicenceNumber"),
        Breach(testDescription: "rejection carrying a validity period", sample: "moit/LicenceDecision.v1/samples/LicenceDecision-01.xml",
               replace: "<Decision>APPROVED</Decision>", with: "<Decision>REJECTED</Decision>",
               code: ErrorCode(rawValue: "DECISION_INCOMPLETE"), mentions: "/LicenceDecision/ValidFrom"),
        Breach(testDescription: "licence valid until before it is valid from", sample: "moit/LicenceDecision.v1/samples/LicenceDecision-01.xml",
               replace: "<ValidUntil>2025-08-31</ValidUntil>", with: "<ValidUntil>2025-02-28</ValidUntil>",
               code: ErrorCode(rawValue: "DECISION_INCOMPLETE"), mentions: "validUntil"),
        Breach(testDescription: "RVC without its percentage", sample: "moit/CertificateOfOriginIssued.v1/samples/CertificateOfOriginIssued-01.xml",
               replace: "<RVCPercentage>46.5</RVCPercentage>", with: "",
               code: ErrorCode(rawValue: "ORIGIN_CRITERION_INCOMPLETE"), mentions: "GoodsLine[2]/RVCPercentage"),
        Breach(testDescription: "a percentage with a criterion other than RVC", sample: "moit/CertificateOfOriginIssued.v1/samples/CertificateOfOriginIssued-01.xml",
               replace: "<OriginCriterion>RVC</OriginCriterion>", with: "<OriginCriterion>CTH</OriginCriterion>",
               code: ErrorCode(rawValue: "ORIGIN_CRITERION_INCOMPLETE"), mentions: "GoodsLine[2]/RVCPercentage"),
        Breach(testDescription: "issued permit without validity", sample: "mard/phyto_imp_permit.v2/samples/phyto_imp_permit-01.xml",
               replace: "<validity from=\"2025-03-03\" to=\"2025-09-02\"/>", with: "",
               code: ErrorCode(rawValue: "VALIDITY_MISSING"), mentions: "validity"),
        Breach(testDescription: "permit validity ending before it starts", sample: "mard/phyto_imp_permit.v2/samples/phyto_imp_permit-01.xml",
               replace: "to=\"2025-09-02\"", with: "to=\"2025-01-02\"",
               code: ErrorCode(rawValue: "VALIDITY_MISSING"), mentions: "validUntil"),
        Breach(testDescription: "application asking for a period that ends before it starts", sample: "customs-core/ImportApplication.v2/samples/ImportApplication-01.json",
               replace: "\"requestedValidUntil\": \"2025-12-31\"", with: "\"requestedValidUntil\": \"2025-01-31\"",
               code: ErrorCode(rawValue: "INVALID_VALIDITY"), mentions: "requestedValidUntil"),
    ]

    @Test(arguments: breaches)
    func breachIsRefusedWithThePartnersCode(_ breach: Breach) throws {
        let text = String(decoding: read("\(GoldenTranslationTests.specs)/\(breach.sample)"), as: UTF8.self)
        #expect(text.contains(breach.replace))
        let error = try #require(throws: GatewayError.self) {
            try GoldenTranslationTests.registry.read(Array(text.replacingOccurrences(of: breach.replace, with: breach.with).utf8))
        }
        #expect(error.code == breach.code, "\(error)")
        #expect(error.details.contains { $0.path.contains(breach.mentions) || $0.message.contains(breach.mentions) }, "\(error): \(error.details.map { "\($0.path) \($0.message)" })")
    }
}
