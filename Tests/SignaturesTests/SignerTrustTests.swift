import Foundation
import GatewayCore
import Signatures
import Testing
import TestSupport

/// Whom the gateway believes: the same trust rules for XML-DSig and JWS signers.
@Suite struct SignerTrustTests {
    static let unfitSigners: [(String, SignatureRefusal.Reason)] = [
        ("test/expired", .certificateExpired),
        ("test/not-yet-valid", .certificateNotYetValid),
        ("test/revoked", .certificateRevoked),
        ("test/wrong-usage", .keyUsageNotAllowed),
        ("test/weak-rsa", .weakKey),
        ("test/untrusted", .untrustedSigner),
        ("asw-th", .untrustedSigner),
    ]

    @Test(arguments: unfitSigners)
    func xmlSignedByAnUnfitSignerIsRefused(signer: String, reason: SignatureRefusal.Reason) throws {
        let refusal = try Fixtures.xmlRefusal(try Fixtures.signedXML(by: signer))
        #expect(refusal?.reason == reason, "\(String(describing: refusal))")
    }

    @Test(arguments: unfitSigners)
    func jwsSignedByAnUnfitSignerIsRefused(signer: String, reason: SignatureRefusal.Reason) throws {
        let refusal = try Fixtures.jwsRefusal(try Fixtures.signedJWS(by: signer))
        #expect(refusal?.reason == reason, "\(String(describing: refusal))")
    }

    @Test func refusalsNameTheCertificateAndTheRule() throws {
        let expired = try #require(try Fixtures.xmlRefusal(try Fixtures.signedXML(by: "test/expired")))
        #expect(expired.message == "The signer certificate CN=expired-signer.example,O=Demo Test,C=VN expired on 2021-01-01T00:00:00Z.")
        let revoked = try #require(try Fixtures.jwsRefusal(try Fixtures.signedJWS(by: "test/revoked")))
        #expect(revoked.message.contains("CN=revoked-signer.example"))
        #expect(revoked.message.contains("was revoked on"))
        #expect(revoked.message.contains("by CN=Demo VN Issuing CA 1"))
        let untrusted = try #require(try Fixtures.xmlRefusal(try Fixtures.signedXML(by: "test/untrusted")))
        #expect(untrusted.message.contains("does not chain to a trust anchor in \(Fixtures.pki.vietnamTrust)"))
        #expect(untrusted.gatewayError.code == .signatureInvalid)
        #expect(untrusted.gatewayError.httpStatus == 401)
        #expect(untrusted.gatewayError.reason == "UNTRUSTED_SIGNER")
    }

    @Test func aseanSignersAreTrustedUnderTheASEANRoot() throws {
        let trust = try Fixtures.trust(Fixtures.pki.aseanTrust)
        #expect(try Fixtures.xmlRefusal(try Fixtures.signedXML(by: "asw-th"), trust: trust) == nil)
        #expect(try Fixtures.xmlRefusal(try Fixtures.signedXML(by: "asw-sg"), trust: trust) == nil)
        #expect(try Fixtures.xmlRefusal(try Fixtures.signedXML(by: "moit"), trust: trust)?.reason == .untrustedSigner)
    }

    @Test func chainsRunUpToTheRootSoTheRootsCRLCounts() throws {
        let signed = try Fixtures.signedXML(by: "mard")
        let verified = try XMLSignatureVerifier(trust: try Fixtures.trust()).verify(Array(signed.utf8), at: Date())
        #expect(verified.signature.chain.certificates.map(\.subject).map { $0.components(separatedBy: ",")[0] } == [
            "CN=equarantine-signing.ppd.mard.example", "CN=Demo VN Issuing CA 1 (DEVELOPMENT ONLY)", "CN=Demo VN Root CA (DEVELOPMENT ONLY)",
        ])
    }

    @Test func verificationTimeIsTheCallersClock() throws {
        let signed = try Fixtures.signedXML(by: "test/expired")
        let duringValidity = try #require(ISO8601DateFormatter().date(from: "2020-06-01T00:00:00Z"))
        // In mid-2020 the leaf was valid, but the demo CAs did not exist yet.
        #expect(try Fixtures.xmlRefusal(signed, at: duringValidity)?.reason == .certificateNotYetValid)
        let certificate = try Fixtures.certificate("moit")
        #expect(try Fixtures.xmlRefusal(try Fixtures.signedXML(by: "moit"), at: certificate.notAfter.addingTimeInterval(1))?.reason
                == .certificateExpired)
    }

    @Test func aSignerWithoutACRLOfItsIssuerCanBeRequiredToFail() throws {
        let withoutCRLs = temporaryDirectory("no-crl")
        for name in ["vn-root-ca.pem", "vn-issuing-ca.pem"] {
            write(read(Fixtures.pki.vietnamTrust + "/" + name), to: withoutCRLs + "/" + name)
        }
        let signed = try Fixtures.signedXML(by: "moit")
        #expect(try Fixtures.xmlRefusal(signed, trust: try Fixtures.trust(withoutCRLs)) == nil)
        #expect(try Fixtures.xmlRefusal(signed, trust: try Fixtures.trust(withoutCRLs, requireCRL: true))?.reason == .revocationStatusUnknown)
        #expect(try Fixtures.xmlRefusal(signed, trust: try Fixtures.trust(requireCRL: true)) == nil)
        // Without the CRLs the revoked signer goes unnoticed, which is why production requires them.
        #expect(try Fixtures.xmlRefusal(try Fixtures.signedXML(by: "test/revoked"), trust: try Fixtures.trust(withoutCRLs)) == nil)
    }

    @Test func pinningAPartnerAtItsIssuingCA() throws {
        let issuingOnly = temporaryDirectory("issuing-only")
        write(read(Fixtures.pki.vietnamTrust + "/vn-issuing-ca.pem"), to: issuingOnly + "/vn-issuing-ca.pem")
        let store = try TrustStore(directory: issuingOnly)
        #expect(store.anchors.count == 1)
        #expect(store.intermediates.isEmpty)
        #expect(try Fixtures.jwsRefusal(try Fixtures.signedJWS(by: "bank-vcb"), trust: .standard(store: store)) == nil)
    }

    @Test func additionalPoliciesComposeWithTheStandardOnes() throws {
        struct SubjectCountry: SignerPolicy {
            let country: String
            func evaluate(_ chain: CertificateChain, at time: Date) -> PolicyResult {
                chain.signer.subjectAttribute("C") == country ? .meetsPolicy
                    : .failsToMeetPolicy(SignatureRefusal(.signerNotAccepted, "The signer's country is not \(country)."))
            }
        }
        struct Pinned: SignerPolicy {
            let fingerprint: String
            func evaluate(_ chain: CertificateChain, at time: Date) -> PolicyResult {
                chain.signer.fingerprintSHA256 == fingerprint ? .meetsPolicy
                    : .failsToMeetPolicy(SignatureRefusal(.signerNotAccepted, "The signer is not the pinned certificate."))
            }
        }
        let asean = Fixtures.pki.aseanTrust
        let thailandOnly = try Fixtures.trust(asean, additional: [SubjectCountry(country: "TH")])
        #expect(try Fixtures.xmlRefusal(try Fixtures.signedXML(by: "asw-th"), trust: thailandOnly) == nil)
        #expect(try Fixtures.xmlRefusal(try Fixtures.signedXML(by: "asw-sg"), trust: thailandOnly)?.reason == .signerNotAccepted)

        let vcb = try Fixtures.certificate("bank-vcb").fingerprintSHA256
        let bidv = try Fixtures.certificate("bank-bidv").fingerprintSHA256
        let eitherBank = try Fixtures.trust(additional: [OneOfPolicies([Pinned(fingerprint: vcb), Pinned(fingerprint: bidv)])])
        #expect(try Fixtures.jwsRefusal(try Fixtures.signedJWS(by: "bank-vcb"), trust: eitherBank) == nil)
        #expect(try Fixtures.jwsRefusal(try Fixtures.signedJWS(by: "bank-bidv"), trust: eitherBank) == nil)
        #expect(try Fixtures.jwsRefusal(try Fixtures.signedJWS(by: "customs-core"), trust: eitherBank)?.reason == .signerNotAccepted)
        // A standard rule still decides first: an expired signer is refused as expired.
        #expect(try Fixtures.jwsRefusal(try Fixtures.signedJWS(by: "test/expired"), trust: eitherBank)?.reason == .certificateExpired)
    }

    @Test func unusableTrustDirectoriesAreConfigurationErrors() throws {
        let missing = "/nonexistent/trust"
        #expect { _ = try TrustStore(directory: missing) } throws: { ($0 as? GatewayError)?.message.contains(missing) == true }
        let empty = temporaryDirectory("empty-trust")
        #expect { _ = try TrustStore(directory: empty) } throws: { ($0 as? GatewayError)?.code == .configurationInvalid }
        let broken = temporaryDirectory("broken-trust")
        write("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n", to: broken + "/partner.pem")
        #expect { _ = try TrustStore(directory: broken) } throws: {
            ($0 as? GatewayError)?.message.contains(broken + "/partner.pem") == true
        }
    }

    @Test func derCRLsAreReadToo() throws {
        let directory = temporaryDirectory("der-crl")
        for name in ["vn-root-ca.pem", "vn-issuing-ca.pem"] {
            write(read(Fixtures.pki.vietnamTrust + "/" + name), to: directory + "/" + name)
        }
        let converted = Command.run("openssl", ["crl", "-in", Fixtures.pki.vietnamTrust + "/vn-issuing-ca.crl.pem",
                                                "-outform", "DER", "-out", directory + "/vn-issuing-ca.crl"])
        try #require(converted.status == 0)
        let refusal = try Fixtures.jwsRefusal(try Fixtures.signedJWS(by: "test/revoked"), trust: try Fixtures.trust(directory))
        #expect(refusal?.reason == .certificateRevoked)
    }
}
