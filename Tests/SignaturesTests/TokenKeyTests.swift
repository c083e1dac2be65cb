import Foundation
import GatewayCore
import Signatures
import Testing
import TestSupport

/// The gateway's keys in a PKCS#11 token (SoftHSM2 through OpenSSL's pkcs11 engine): XML-DSig and
/// JWS signed with its RSA and its P-256 key, the keys never leaving the token, verify like any
/// other (xmlsec1 too). A URI naming no key is refused by name.
@Suite(.serialized) struct TokenKeyTests {
    /// One token per test process: SoftHSM2 reads its configuration once, when the engine loads
    /// it. It holds the gateway's RSA key (XML-DSig and JWS) and its P-256 key (JWS).
    static let token: Result<TestSoftHSM, any Error> = Result {
        let token = try TestSoftHSM.make(copying: rsaFolder)
        try token.add(copying: folder, label: "receipt-ec", id: "02")
        setenv("SOFTHSM2_CONF", token.environment["SOFTHSM2_CONF"]!, 1)
        return token
    }

    static let folder = RepositoryPaths.root + "/Certificates/demo/gateway"
    static let rsaFolder = RepositoryPaths.root + "/Certificates/demo/gateway-rsa"
    static let trust = RepositoryPaths.root + "/Certificates/demo/trust/vn"

    static func signer(_ label: String = "receipt", folder: String = rsaFolder) throws -> MessageSigner {
        _ = try Self.token.get()
        let key = try PrivateKey(pkcs11: TestSoftHSM.uri(label), pin: TestSoftHSM.pin)
        let certificates = try Certificate.certificates(pem: read(folder + "/cert.pem")) + Certificate.certificates(pem: read(folder + "/chain.pem"))
        #expect(key.matches(certificates[0]))
        return try MessageSigner(key: key, certificate: certificates[0], chain: Array(certificates.dropFirst()))
    }

    @Test(arguments: [("receipt", rsaFolder, "rsa-sha256"), ("receipt-ec", folder, "ecdsa-sha256")])
    func xmlSignedInTheTokenVerifies(label: String, folder: String, method: String) throws {
        let signed = String(decoding: try Self.signer(label, folder: folder).xml.sign(Fixtures.licenceDecision), as: UTF8.self)
        #expect(signed.contains(method))
        #expect(try Fixtures.xmlRefusal(signed, trust: try Fixtures.trust(Self.trust)) == nil)
        // Verified by libxmlsec1's own tool as well.
        let file = temporaryDirectory("token-xml") + "/signed.xml"
        write(signed, to: file)
        let result = Command.run("xmlsec1", ["--verify", "--trusted-pem", Self.trust + "/vn-root-ca.pem", "--untrusted-pem", Self.trust + "/vn-issuing-ca.pem", file])
        #expect(result.status == 0, "\(result.standardError)")
    }

    @Test(arguments: [("receipt", rsaFolder), ("receipt-ec", folder)])
    func jwsSignedInTheTokenVerifies(label: String, folder: String) throws {
        let signed = try Self.signer(label, folder: folder).jws.sign(payload: Fixtures.paymentConfirmation)
        let verified = try JWSVerifier(trust: try Fixtures.trust(Self.trust)).verify(signed, at: Date())
        #expect(verified.payload == Fixtures.paymentConfirmation)
    }

    @Test func aKeyFolderNamesItsTokenKeyInKeyPkcs11() throws {
        let token = try Self.token.get()
        #expect(PrivateKey.file(in: token.keyFolder) == token.keyFolder + "/key.pkcs11")
        #expect(PrivateKey.file(in: Self.folder) == Self.folder + "/key.pem")
        let signer = try MessageSigner(keyFile: PrivateKey.file(in: token.keyFolder), certificateFile: token.keyFolder + "/cert.pem",
                                       chainFile: token.keyFolder + "/chain.pem", passphrase: TestSoftHSM.pin)
        #expect(!(try signer.sign(Array(SampleDocuments.licenceDecision.utf8))).isEmpty)
    }

    @Test func aURINamingNoKeyIsRefusedByName() throws {
        _ = try Self.token.get()
        let missing = TestSoftHSM.uri("nothing-here")
        do throws(GatewayError) {
            _ = try PrivateKey(pkcs11: missing, pin: TestSoftHSM.pin)
            Issue.record("a key that is not there was opened")
        } catch {
            #expect(error.code == .configurationInvalid && error.message.contains("holds no key pkcs11:token=gateway-test;object=nothing-here"), "\(error.message)")
        }
        #expect(throws: GatewayError.self) { try PrivateKey(pkcs11: "/etc/keys/receipt.pem", pin: nil) }
    }
}
