import Foundation
import GatewayCore
import Signatures
import Testing
import TestSupport

@Suite struct JWSTests {
    @Test(arguments: [("bank-vcb", SignatureScheme.rs256), ("bank-vcb", .ps256), ("customs-core", .es256)])
    func signedPayloadVerifiesByteForByte(party: String, scheme: SignatureScheme) throws {
        let compact = try Fixtures.signedJWS(by: party, scheme)
        let verified = try JWSVerifier(trust: try Fixtures.trust()).verify(compact, at: Date())
        #expect(verified.payload == Fixtures.paymentConfirmation)
        #expect(verified.signature.algorithm == scheme.rawValue)
        #expect(verified.signature.signer.subject == (try Fixtures.certificate(party)).subject)
    }

    @Test func headerIsTheWorldsHeaderWithTheChainInX5c() throws {
        let compact = try Fixtures.signedJWS(by: "customs-core", .es256)
        let parts = compact.split(separator: ".")
        let headerBytes = try #require(Self.base64URLDecode(parts[0]))
        let header = try #require(JSONSerialization.jsonObject(with: Data(headerBytes)) as? [String: Any])
        #expect(header["alg"] as? String == "ES256")
        #expect(header["typ"] as? String == "JOSE")
        #expect(header["cty"] as? String == "json")
        #expect(header["kid"] == nil)
        #expect(header["x5c"] as? [String] == [Fixtures.base64(ofPEM: Fixtures.pki.signer("customs-core").certificate),
                                               Fixtures.base64(ofPEM: Fixtures.pki.signer("customs-core").chain)])
        // ES256 signatures are the JOSE r||s form: 64 bytes, not DER.
        #expect(try #require(Self.base64URLDecode(parts[2])).count == 64)
        #expect(!compact.contains("="))
    }

    @Test(arguments: ["RS256", "PS256", "ES256"])
    func anIndependentJOSELibraryVerifiesWhatTheGatewaySigns(alg: String) throws {
        let party = alg == "ES256" ? "customs-core" : "bank-vcb"
        let compact = try Fixtures.signedJWS(by: party, SignatureScheme(rawValue: alg))
        let result = JoseRFC.run(JoseRFC.verify, [compact, alg])
        #expect(result.status == 0, "joserfc: \(result.standardError)")
        #expect(result.standardOutput.utf8.elementsEqual(Fixtures.paymentConfirmation))
    }

    @Test(arguments: ["RS256", "PS256", "ES256"])
    func theGatewayVerifiesWhatAnIndependentJOSELibrarySigns(alg: String) throws {
        let party = alg == "ES256" ? "customs-core" : "bank-vcb"
        let files = Fixtures.pki.signer(party)
        let result = JoseRFC.run(JoseRFC.sign, [files.key, files.certificate, files.chain, alg], input: Fixtures.paymentConfirmation)
        try #require(result.status == 0, "joserfc: \(result.standardError)")
        let verified = try JWSVerifier(trust: try Fixtures.trust()).verify(result.standardOutput, at: Date())
        #expect(verified.payload == Fixtures.paymentConfirmation)
        #expect(verified.signature.algorithm == alg)
    }

    static func base64URLDecode(_ text: Substring) -> [UInt8]? {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        return Data(base64Encoded: standard).map(Array.init)
    }
}

/// joserfc, a JOSE implementation that shares no code with the gateway, driven from Python.
enum JoseRFC {
    static func run(_ script: String, _ arguments: [String], input: [UInt8]? = nil) -> Command.Result {
        Command.run(TestPython.path, ["-c", script] + arguments, input: input)
    }

    static let verify = """
    import sys, json, base64
    from joserfc import jws
    from joserfc.jws import JWSRegistry
    from joserfc.jwk import RSAKey, ECKey
    from cryptography import x509
    token, alg = sys.argv[1], sys.argv[2]
    header = json.loads(base64.urlsafe_b64decode(token.split('.')[0] + '=='))
    certificate = x509.load_der_x509_certificate(base64.b64decode(header['x5c'][0]))
    key = (ECKey if alg == 'ES256' else RSAKey).import_key(certificate.public_key())
    registry = JWSRegistry(algorithms=[alg])
    registry.max_header_length = 16384
    sys.stdout.buffer.write(jws.deserialize_compact(token, key, algorithms=[alg], registry=registry).payload)
    """

    static let sign = """
    import sys, base64
    from joserfc import jws
    from joserfc.jws import JWSRegistry
    from joserfc.jwk import RSAKey, ECKey
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding
    key_file, cert_file, chain_file, alg = sys.argv[1:5]
    key = (ECKey if alg == 'ES256' else RSAKey).import_key(open(key_file, 'rb').read())
    chain = [x509.load_pem_x509_certificate(open(f, 'rb').read()) for f in (cert_file, chain_file)]
    x5c = [base64.b64encode(c.public_bytes(Encoding.DER)).decode() for c in chain]
    header = {'alg': alg, 'typ': 'JOSE', 'cty': 'json', 'x5c': x5c}
    registry = JWSRegistry(algorithms=[alg])
    registry.max_header_length = 16384
    print(jws.serialize_compact(header, sys.stdin.buffer.read(), key, algorithms=[alg], registry=registry))
    """
}
