import Foundation
import Testing
import TestSupport

/// `gateway sign` and `gateway verify` as an operator uses them, on the built binary.
@Suite struct SignAndVerifyCommandTests {
    static let pki = TestPKI.shared

    static let gateway = GatewayBinary.path

    private func file(_ text: String, named name: String) -> String {
        let path = temporaryDirectory("cli") + "/" + name
        write(text, to: path)
        return path
    }

    private func sign(_ path: String, as party: String, _ extra: [String] = []) -> Command.Result {
        let files = Self.pki.signer(party)
        return Command.run(Self.gateway, ["sign", "--key", files.key, "--cert", files.certificate, "--chain", files.chain] + extra + [path])
    }

    @Test func signedXMLVerifiesAndPrintsTheSigner() throws {
        let signed = sign(file(SampleDocuments.licenceDecision, named: "decision.xml"), as: "moit")
        try #require(signed.status == 0, "\(signed.standardError)")
        #expect(signed.standardOutput.contains("<ds:Signature"))
        let path = file(signed.standardOutput, named: "decision.signed.xml")
        let verified = Command.run(Self.gateway, ["verify", "--trust", Self.pki.vietnamTrust, path])
        #expect(verified.status == 0)
        #expect(verified.standardOutput == "CN=eps-signing.moit.example,OU=e-Permit System,O=Bộ Công Thương,C=VN\n")
        #expect(verified.standardError.isEmpty)

        let xmlsec1 = Command.run("xmlsec1", ["--verify", "--trusted-pem", Self.pki.vietnamTrust + "/vn-root-ca.pem", path])
        #expect(xmlsec1.status == 0, "\(xmlsec1.standardError)")
    }

    @Test(arguments: [("bank-vcb", "PS256"), ("bank-vcb", "RS256"), ("customs-core", "ES256")])
    func jsonBecomesAJWSThatVerifies(party: String, alg: String) throws {
        let signed = sign(file(SampleDocuments.paymentConfirmation, named: "payment.json"), as: party, ["--jws-alg", alg])
        try #require(signed.status == 0, "\(signed.standardError)")
        #expect(signed.standardOutput.split(separator: ".").count == 3)
        let verified = Command.run(Self.gateway, ["verify", "--verbose", "--trust", Self.pki.vietnamTrust,
                                                  file(signed.standardOutput, named: "payment.jws")])
        #expect(verified.status == 0)
        #expect(verified.standardOutput.contains("JWS \(alg)"))
        #expect(verified.standardOutput.contains("sha256 fingerprint: "))
    }

    @Test func readsStandardInput() throws {
        let files = Self.pki.signer("mard")
        let signed = Command.run(Self.gateway, ["sign", "--key", files.key, "--cert", files.certificate, "-"],
                                 input: Array(SampleDocuments.licenceDecision.utf8))
        try #require(signed.status == 0)
        let verified = Command.run(Self.gateway, ["verify", "--trust", Self.pki.vietnamTrust, "-"], input: signed.outputBytes)
        #expect(verified.standardOutput.hasPrefix("CN=equarantine-signing.ppd.mard.example"))
    }

    @Test(arguments: [("test/expired", "CERTIFICATE_EXPIRED"), ("test/revoked", "CERTIFICATE_REVOKED"),
                      ("test/untrusted", "UNTRUSTED_SIGNER"), ("test/wrong-usage", "KEY_USAGE_NOT_ALLOWED")])
    func refusalIsOneLineNamingTheReason(party: String, reason: String) throws {
        let signed = sign(file(SampleDocuments.licenceDecision, named: "decision.xml"), as: party)
        try #require(signed.status == 0)
        let verified = Command.run(Self.gateway, ["verify", "--trust", Self.pki.vietnamTrust, file(signed.standardOutput, named: "signed.xml")])
        #expect(verified.status == 1)
        #expect(verified.standardOutput.isEmpty)
        #expect(verified.standardError.hasPrefix("gateway: SIGNATURE_INVALID (\(reason)): "))
        #expect(verified.standardError.filter { $0 == "\n" }.count == 1)
    }

    @Test func tamperingIsNamedWithItsPlace() throws {
        let signed = sign(file(SampleDocuments.licenceDecision, named: "decision.xml"), as: "moit")
        let tampered = signed.standardOutput.replacingOccurrences(of: ">1200<", with: ">9200<")
        let verified = Command.run(Self.gateway, ["verify", "--trust", Self.pki.vietnamTrust, file(tampered, named: "tampered.xml")])
        #expect(verified.status == 1)
        #expect(verified.standardError.hasPrefix("gateway: SIGNATURE_INVALID (DIGEST_MISMATCH): The document was changed after it was signed"))
        #expect(verified.standardError.contains("[at /LicenceDecision/ds:Signature/ds:SignedInfo/ds:Reference]"))
    }

    @Test func gatewayVerifiesWhatXMLSec1Signs() throws {
        let template = """
        <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>\
        <ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>\
        <ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"/>\
        <ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>\
        <ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>\
        <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference></ds:SignedInfo>\
        <ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>
        """
        let input = file(SampleDocuments.licenceDecision.replacingOccurrences(of: "</LicenceDecision>", with: template + "</LicenceDecision>"),
                         named: "template.xml")
        let output = input + ".signed"
        let files = Self.pki.signer("mard")
        let xmlsec1 = Command.run("xmlsec1", ["--sign", "--privkey-pem", "\(files.key),\(files.certificate),\(files.chain)", "--output", output, input])
        try #require(xmlsec1.status == 0, "\(xmlsec1.standardError)")
        let verified = Command.run(Self.gateway, ["verify", "--trust", Self.pki.vietnamTrust, output])
        #expect(verified.status == 0, "\(verified.standardError)")
    }

    @Test func operatorMistakesAreOneClearLine() throws {
        let files = Self.pki.signer("moit")
        let missing = Command.run(Self.gateway, ["verify", "--trust", Self.pki.vietnamTrust, "/nonexistent/message.xml"])
        #expect(missing.status == 1)
        #expect(missing.standardError == "gateway: CONFIGURATION_INVALID: The file /nonexistent/message.xml cannot be read.\n")
        let wrongKey = Command.run(Self.gateway, ["sign", "--key", Self.pki.signer("mard").key, "--cert", files.certificate,
                                                  file(SampleDocuments.licenceDecision, named: "d.xml")])
        #expect(wrongKey.status == 1)
        #expect(wrongKey.standardError.contains("does not belong to the certificate CN=eps-signing.moit.example"))
        let notXML = Command.run(Self.gateway, ["sign", "--key", files.key, "--cert", files.certificate, file("hello", named: "x.txt")])
        #expect(notXML.standardError == "gateway: MALFORMED: The document is neither XML nor JSON.\n")
        let badTrust = Command.run(Self.gateway, ["verify", "--trust", "/nonexistent", file(SampleDocuments.licenceDecision, named: "d.xml")])
        #expect(badTrust.standardError.hasPrefix("gateway: CONFIGURATION_INVALID: The trust directory /nonexistent"))
        let unsigned = Command.run(Self.gateway, ["verify", "--trust", Self.pki.vietnamTrust, file(SampleDocuments.paymentConfirmation, named: "p.json")])
        #expect(unsigned.standardError.hasPrefix("gateway: SIGNATURE_INVALID (NO_SIGNATURE): "))
    }

    @Test func benchmarkPrintsOperationsPerSecond() {
        let result = Command.run(Self.gateway, ["bench", "signatures", "--certificates", Self.pki.directory, "--specs", RepositoryPaths.root + "/MessageSpecs", "--seconds", "0.02"])
        #expect(result.status == 0, "\(result.standardError)")
        for name in ["XML-DSig sign RSA-2048", "XML-DSig verify RSA-2048", "XML-DSig sign P-256", "XML-DSig verify P-256",
                     "JWS sign RS256", "JWS verify RS256", "JWS sign ES256", "JWS verify ES256", "bare RSA-2048 verify"] {
            #expect(result.standardOutput.contains(name), "\(name) missing")
        }
        #expect(result.standardOutput.contains("ops/s"))
    }
}
