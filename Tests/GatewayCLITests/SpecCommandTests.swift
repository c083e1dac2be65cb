import Foundation
import Testing
import TestSupport

/// `gateway validate`, `translate` and `specs` as a partner engineer uses them.
@Suite struct SpecCommandTests {
    static let pki = TestPKI.shared

    private func gateway(_ arguments: [String], input: [UInt8]? = nil) -> Command.Result {
        Command.run(GatewayBinary.path, [arguments[0], "--specs", GatewayBinary.specs] + arguments.dropFirst(), input: input)
    }

    private func file(_ text: String, named name: String) -> String {
        let path = temporaryDirectory("cli") + "/" + name
        write(text, to: path)
        return path
    }

    @Test func validateNamesThePartnerAndTypeOfEachFile() {
        let result = gateway(["validate",
                              GatewayBinary.sample("moit/LicenceDecision.v1/samples/LicenceDecision-01.xml"),
                              GatewayBinary.sample("bank-bidv/camt.054.001.08/samples/camt.054-01.xml"),
                              GatewayBinary.sample("bank-vcb/PaymentConfirmation.v1/samples/PaymentConfirmation-01.json")])
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("OK moit/LicenceDecision"))
        #expect(lines[1].hasPrefix("OK bank-bidv/camt.054"))
        #expect(lines[2].hasPrefix("OK bank-vcb/PaymentConfirmation"))
    }

    @Test func validatePrintsEveryErrorWithItsPathAndFails() {
        let broken = SampleDocuments.licenceDecision
            .replacingOccurrences(of: "<HSCode>72085100</HSCode>", with: "<HSCode>7208</HSCode>")
            .replacingOccurrences(of: "<ValidUntil>2025-08-31</ValidUntil>", with: "<ValidUntil>2025-02-30</ValidUntil>")
        let good = GatewayBinary.sample("moit/LicenceDecision.v1/samples/LicenceDecision-02.xml")
        let result = gateway(["validate", file(broken, named: "decision.xml"), good])
        #expect(result.status == 1)
        #expect(result.standardOutput.contains("INVALID SCHEMA_INVALID"))
        #expect(result.standardOutput.contains("/LicenceDecision/ApprovedGoodsLines/ApprovedGoodsLine[1]/HSCode"))
        #expect(result.standardOutput.contains("/LicenceDecision/ValidUntil"))
        #expect(result.standardOutput.contains("OK moit/LicenceDecision"), "the valid file is still reported")
    }

    @Test func validateReportsMalformedInput() {
        let result = gateway(["validate", file("<LicenceDecision xmlns=\"urn:vn:gov:moit:eps:1\">", named: "cut.xml")])
        #expect(result.status == 1)
        #expect(result.standardOutput.contains("INVALID MALFORMED"))
    }

    @Test func validateAcceptsASignedXMLDocumentAndAJWS() throws {
        let moit = Self.pki.signer("moit")
        let signedXML = Command.run(GatewayBinary.path, ["sign", "--key", moit.key, "--cert", moit.certificate,
                                                         file(SampleDocuments.licenceDecision, named: "decision.xml")])
        try #require(signedXML.status == 0, "\(signedXML.standardError)")
        let vcb = Self.pki.signer("bank-vcb")
        let jws = Command.run(GatewayBinary.path, ["sign", "--key", vcb.key, "--cert", vcb.certificate, "--jws-alg", "PS256",
                                                   file(SampleDocuments.paymentConfirmation, named: "payment.json")])
        try #require(jws.status == 0, "\(jws.standardError)")
        let result = gateway(["validate", file(signedXML.standardOutput, named: "signed.xml"), file(jws.standardOutput, named: "payment.jws")])
        #expect(result.status == 0, "\(result.standardOutput)")
        #expect(result.standardOutput.contains("OK moit/LicenceDecision"))
        #expect(result.standardOutput.contains("— the JWS payload; its signature is not checked here"))
    }

    @Test func translatePrintsADocumentTheTargetPartnerAccepts() throws {
        let result = gateway(["translate", "--to", "customs-core/LicenceRecord",
                              "--context", GatewayBinary.sample("moit/ImportLicenceApplication.v1/samples/ImportLicenceApplication-01.xml"),
                              GatewayBinary.sample("moit/LicenceDecision.v1/samples/LicenceDecision-01.xml")])
        try #require(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("\"licenceNumber\": \"00125/2025/GPNK-BCT\""))
        let check = gateway(["validate", "-"], input: result.outputBytes)
        #expect(check.status == 0, "\(check.standardOutput)")
        #expect(check.standardOutput.hasPrefix("OK customs-core/LicenceRecord"))
    }

    @Test func contextFilesMayComeBeforeOrAfterTheMessage() {
        let application = GatewayBinary.sample("moit/ImportLicenceApplication.v1/samples/ImportLicenceApplication-01.xml")
        let decision = GatewayBinary.sample("moit/LicenceDecision.v1/samples/LicenceDecision-01.xml")
        let after = gateway(["translate", "--to", "customs-core/LicenceRecord", decision, "--context", application])
        #expect(after.status == 0, "\(after.standardError)")
        #expect(after.standardOutput.contains("00125/2025/GPNK-BCT"))
    }

    @Test func translateWithoutTheStoredApplicationSaysWhatItNeeds() {
        let result = gateway(["translate", "--to", "customs-core/LicenceRecord",
                              GatewayBinary.sample("moit/LicenceDecision.v1/samples/LicenceDecision-01.xml")])
        #expect(result.status != 0)
        #expect(result.standardError.contains("ImportLicenceApplication"), "\(result.standardError)")
    }

    @Test func translateToAnUnknownTargetListsThePossibleOnes() {
        let result = gateway(["translate", "--to", "asw/FORM_D",
                              GatewayBinary.sample("moit/LicenceDecision.v1/samples/LicenceDecision-01.xml")])
        #expect(result.status != 0)
        #expect(result.standardError.contains("possible: customs-core/LicenceRecord"), "\(result.standardError)")
    }

    @Test func specsListsEveryLoadedSpecAndTranslation() {
        let result = gateway(["specs"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.hasPrefix("23 message specs in "))
        #expect(result.standardOutput.contains("moh/FoodImportPermit → customs-core/LicenceRecord"))
        #expect(result.standardOutput.contains("moit/LicenceDecision"))
        #expect(result.standardOutput.contains("moit/CertificateOfOriginIssued → asw/FORM_D"))
    }

    @Test func anInconsistentSpecDirectoryStopsTheCommandWithFileAndLine() throws {
        let directory = temporaryDirectory("specs")
        try FileManager.default.copyItem(atPath: "\(GatewayBinary.specs)/moit", toPath: "\(directory)/moit")
        let spec = "\(directory)/moit/LicenceDecision.v1/spec.yaml"
        write(String(decoding: read(spec), as: UTF8.self).replacingOccurrences(of: "path: IssueDate,", with: "path: IssuedOn,"), to: spec)
        let result = Command.run(GatewayBinary.path, ["specs", "--specs", directory])
        #expect(result.status != 0)
        #expect(result.standardError.contains("\(spec):25:"), "\(result.standardError)")
    }
}
