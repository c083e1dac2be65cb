import Foundation
import GatewayCore
import HardenedXML
import MessageSpecs
import Testing
import TestSupport

@Suite struct XMLSchemaTests {
    static let specs = RepositoryPaths.root + "/MessageSpecs"
    static let schemas: [String: String] = [
        "moit": "moit-eps.xsd", "mard": "ppd-nsw-2.xsd", "asw": "asw-message.xsd", "bank-bidv": "camt.054.001.08-nsw.xsd",
    ]

    static func samples(_ partner: String) -> [String] {
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: "\(specs)/\(partner)")) ?? []
        return folders.sorted().flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: "\(specs)/\(partner)/\(folder)/samples")) ?? [])
                .filter { $0.hasSuffix(".xml") }.sorted().map { "\(specs)/\(partner)/\(folder)/samples/\($0)" }
        }
    }

    private func errors(_ partner: String, _ text: String) throws -> [ErrorDetail] {
        let validator = try XMLSchemaValidator(file: "\(Self.specs)/\(partner)/schemas/\(Self.schemas[partner]!)")
        return validator.validate(try HardenedXMLParser().parse(Array(text.utf8)))
    }

    @Test(arguments: ["moit", "mard", "asw", "bank-bidv"])
    func everyXMLSampleOfTheWorldValidates(partner: String) throws {
        let samples = Self.samples(partner)
        #expect(samples.count >= 2)
        for sample in samples {
            let result = try errors(partner, String(decoding: read(sample), as: UTF8.self))
            #expect(result.isEmpty, "\(sample): \(result)")
        }
    }

    @Test func violationsNameTheElementOrAttribute() throws {
        let decision = String(decoding: read("\(Self.specs)/moit/LicenceDecision.v1/samples/LicenceDecision-01.xml"), as: UTF8.self)
        let broken = decision
            .replacingOccurrences(of: "00125/2025/GPNK-BCT", with: "00125/2025")
            .replacingOccurrences(of: "<ApprovedQuantity unit=\"TNE\">450", with: "<ApprovedQuantity unit=\"TONS\">450")
            .replacingOccurrences(of: "<IssueDate>2025-02-27</IssueDate>", with: "<IssueDate>2025-02-30</IssueDate>")
        let result = try errors("moit", broken)
        #expect(result.contains { $0.path == "/LicenceDecision/LicenceNumber" && $0.message.contains("pattern") })
        #expect(result.contains { $0.path == "/LicenceDecision/ApprovedGoodsLines/ApprovedGoodsLine[2]/ApprovedQuantity/@unit" })
        #expect(result.contains { $0.path == "/LicenceDecision/IssueDate" && $0.message.contains("'2025-02-30'") })
        #expect(!result.contains { $0.message.contains("{urn:") })
    }

    @Test func aTrailingSignatureIsAllowedAsTheSchemasSay() throws {
        let permit = String(decoding: read("\(Self.specs)/mard/phyto_imp_permit.v2/samples/phyto_imp_permit-01.xml"), as: UTF8.self)
        let signed = permit.replacingOccurrences(of: "</phyto_imp_permit>",
            with: "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo/></ds:Signature></phyto_imp_permit>")
        #expect(try errors("mard", signed).isEmpty)
    }

    @Test func schemasAreSharedAcrossConcurrentValidations() async throws {
        let validator = try XMLSchemaValidator(file: "\(Self.specs)/asw/schemas/asw-message.xsd")
        let good = read("\(Self.specs)/asw/FORM_D.v1/samples/FORM_D-01-VN-to-TH.xml")
        let bad = Array(String(decoding: good, as: UTF8.self).replacingOccurrences(of: "<ModeCode>1</ModeCode>", with: "<ModeCode>9</ModeCode>").utf8)
        let counts = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var valid = 0, invalid = 0
                    for _ in 0..<50 {
                        if validator.validate(try HardenedXMLParser().parse(good)).isEmpty { valid += 1 }
                        if !validator.validate(try HardenedXMLParser().parse(bad)).isEmpty { invalid += 1 }
                    }
                    return (valid, invalid)
                }
            }
            return try await group.reduce((0, 0)) { ($0.0 + $1.0, $0.1 + $1.1) }
        }
        #expect(counts.0 == 400 && counts.1 == 400)
    }

    @Test func compilingSchemasDoesNotOpenTheDoorToPartnerDocuments() throws {
        _ = try XMLSchemaValidator(file: "\(Self.specs)/moit/schemas/moit-eps.xsd")
        let refusedBefore = ExternalResourceGuard.refusedLoads
        let xxe = "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x SYSTEM \"file://\(Self.specs)/moit/schemas/moit-common.xsd\">]><d>&x;</d>"
        #expect(throws: GatewayError.self) { _ = try HardenedXMLParser().parse(Array(xxe.utf8)) }
        #expect(ExternalResourceGuard.refusedLoads == refusedBefore)
    }
}
