import Foundation
import Signatures
import Testing
import TestSupport

/// Every way a JWS must not be believed, each answered with its own reason.
@Suite struct JWSRefusalTests {
    private func parts(_ compact: String) -> [String] { compact.split(separator: ".", omittingEmptySubsequences: false).map(String.init) }

    private func withHeader(_ compact: String, _ header: String) -> String {
        let pieces = parts(compact)
        return Fixtures.base64URL(header) + "." + pieces[1] + "." + pieces[2]
    }

    private func x5c(_ names: [String]) -> String {
        "[" + names.map { "\"\(Fixtures.base64(ofPEM: Fixtures.pki.signer($0).certificate))\"" }.joined(separator: ",") + "]"
    }

    @Test func unsignedJSONAndAlgNone() throws {
        #expect(try Fixtures.jwsRefusal(SampleDocuments.paymentConfirmation)?.reason == .missingSignature)
        let none = Fixtures.base64URL("{\"alg\":\"none\",\"x5c\":\(x5c(["bank-vcb"]))}") + "." + Fixtures.base64URL(SampleDocuments.paymentConfirmation) + "."
        let refusal = try Fixtures.jwsRefusal(none)
        #expect(refusal?.reason == .algorithmNotAllowed)
        #expect(refusal?.message.contains("unsigned") == true)
    }

    @Test(arguments: ["HS256", "HS512", "RS1", "ES384", "EdDSA"])
    func algorithmsOtherThanRS256PS256ES256(alg: String) throws {
        let compact = try Fixtures.signedJWS()
        let refusal = try Fixtures.jwsRefusal(withHeader(compact, "{\"alg\":\"\(alg)\",\"typ\":\"JOSE\",\"cty\":\"json\",\"x5c\":\(x5c(["bank-vcb"]))}"))
        #expect(refusal?.reason == .algorithmNotAllowed)
        #expect(refusal?.path == "header.alg")
    }

    @Test(arguments: ["\"crit\":[\"exp\"]", "\"b64\":false", "\"jwk\":{\"kty\":\"oct\"}", "\"jku\":\"https://evil.example/keys\"", "\"x5u\":\"https://evil.example/c\""])
    func headerParametersThatChangeWhatIsSignedOrWhoseKey(member: String) throws {
        let compact = try Fixtures.signedJWS()
        let header = "{\"alg\":\"RS256\",\(member),\"x5c\":\(x5c(["bank-vcb"]))}"
        #expect(try Fixtures.jwsRefusal(withHeader(compact, header))?.reason == .headerNotAccepted)
    }

    @Test func payloadChanged() throws {
        let pieces = parts(try Fixtures.signedJWS())
        let changed = SampleDocuments.paymentConfirmation.replacingOccurrences(of: "991380000", with: "991380001")
        let refusal = try Fixtures.jwsRefusal(pieces[0] + "." + Fixtures.base64URL(changed) + "." + pieces[2])
        #expect(refusal?.reason == .signatureValueInvalid)
    }

    @Test func headerChanged() throws {
        let compact = try Fixtures.signedJWS(by: "bank-vcb", .rs256)
        let header = "{\"alg\":\"RS256\",\"typ\":\"JOSE\",\"cty\":\"text\",\"x5c\":\(x5c(["bank-vcb", "bank-vcb"]))}"
        #expect(try Fixtures.jwsRefusal(withHeader(compact, header))?.reason == .signatureValueInvalid)
    }

    @Test(arguments: [("bank-vcb", SignatureScheme.ps256, "bank-bidv"), ("customs-core", .es256, "mard"), ("bank-vcb", .rs256, "mard")])
    func x5cCertificateThatDidNotMakeTheSignature(signer: String, scheme: SignatureScheme, substitute: String) throws {
        let compact = try Fixtures.signedJWS(by: signer, scheme)
        let header = "{\"alg\":\"\(scheme.rawValue)\",\"typ\":\"JOSE\",\"cty\":\"json\",\"x5c\":\(x5c([substitute]))}"
        let refusal = try Fixtures.jwsRefusal(withHeader(compact, header))
        #expect(refusal?.reason == .signatureValueInvalid)
        #expect(refusal?.message.contains("did not make this signature") == true)
    }

    @Test func ecdsaSignatureInDERInsteadOfJOSEForm() throws {
        let pieces = parts(try Fixtures.signedJWS(by: "customs-core", .es256))
        let raw = try #require(JWSTests.base64URLDecode(Substring(pieces[2])))
        // DER SEQUENCE { INTEGER r, INTEGER s } with positive, minimal integers.
        func integer(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
            var value = Array(bytes.drop { $0 == 0 })
            if value.first.map({ $0 >= 0x80 }) ?? true { value.insert(0, at: 0) }
            return [0x02, UInt8(value.count)] + value
        }
        let body = integer(raw[0..<32]) + integer(raw[32..<64])
        let der = [0x30, UInt8(body.count)] + body
        let encoded = Data(der).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        #expect(try Fixtures.jwsRefusal(pieces[0] + "." + pieces[1] + "." + encoded)?.reason == .signatureValueInvalid)
    }

    @Test func missingOrBrokenParts() throws {
        let pieces = parts(try Fixtures.signedJWS())
        #expect(try Fixtures.jwsRefusal(pieces[0] + ".." + pieces[2])?.reason == .malformedSignature)
        #expect(try Fixtures.jwsRefusal(pieces[0] + "." + pieces[1])?.reason == .malformedSignature)
        #expect(try Fixtures.jwsRefusal(pieces[0] + "." + pieces[1] + ".")?.reason == .malformedSignature)
        // The payload is decoded only once the signature holds: a character added to it breaks the signature first.
        #expect(try Fixtures.jwsRefusal(pieces[0] + "." + pieces[1] + "=." + pieces[2])?.reason == .signatureValueInvalid)
        #expect(try Fixtures.jwsRefusal("bm90LWpzb24." + pieces[1] + "." + pieces[2])?.reason == .malformedSignature)
        let noX5c = withHeader(pieces.joined(separator: "."), "{\"alg\":\"RS256\",\"typ\":\"JOSE\"}")
        #expect(try Fixtures.jwsRefusal(noX5c)?.reason == .certificateMissing)
        let badX5c = withHeader(pieces.joined(separator: "."), "{\"alg\":\"RS256\",\"x5c\":[\"bm90IGEgY2VydA==\"]}")
        #expect(try Fixtures.jwsRefusal(badX5c)?.reason == .certificateMalformed)
    }

    @Test func trailingLineBreakOfAFileIsTolerated() throws {
        #expect(try Fixtures.jwsRefusal(try Fixtures.signedJWS() + "\n") == nil)
    }
}
