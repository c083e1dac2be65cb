import Delivery
import Foundation
import GatewayCore
import Hub
import Hummingbird
import LocalPostgres
import LoopbackServer
import Signatures
import Testing
import TestSupport

/// Revocation as sources, fetched in the background and read from caches: OCSP answered by
/// `openssl ocsp` on loopback, CRLs served from their distribution point, each certificate good,
/// revoked or unknown; the responder down, its answer stale, its answer signed by a stranger;
/// hard and soft modes.
@Suite(.serialized) struct RevocationRefreshTests {
    /// A throwaway PKI whose certificates name an OCSP responder and a CRL distribution point on
    /// loopback: a root, signers `good` (serial 10), `revoked` (11, revoked) and `stranger` (12,
    /// not in the responder's index), the responder's certificate and a rogue responder's.
    struct PKI {
        let directory: String
        let ocspPort: Int
        let crlPort: Int

        init() throws {
            directory = temporaryDirectory("revocation-pki")
            ocspPort = FreePort.next()
            crlPort = FreePort.next()
            try """
                [ca]
                default_ca = root
                [root]
                database = \(directory)/index.txt
                crlnumber = \(directory)/crlnumber
                default_md = sha256
                default_crl_days = 1
                [leaf]
                basicConstraints = CA:FALSE
                keyUsage = critical, digitalSignature
                authorityInfoAccess = OCSP;URI:http://127.0.0.1:\(ocspPort)/
                crlDistributionPoints = URI:http://127.0.0.1:\(crlPort)/root.crl
                [responder]
                basicConstraints = CA:FALSE
                keyUsage = critical, digitalSignature
                extendedKeyUsage = OCSPSigning
                """.write(toFile: directory + "/ca.cnf", atomically: true, encoding: .utf8)
            try "1000\n".write(toFile: directory + "/crlnumber", atomically: true, encoding: .utf8)
            try run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "root.key", "-out", "root.pem",
                     "-subj", "/CN=Revocation Test Root", "-days", "3650", "-addext", "basicConstraints=critical,CA:TRUE",
                     "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
            for (name, serial, extensions) in [("good", 10, "leaf"), ("revoked", 11, "leaf"), ("stranger", 12, "leaf"), ("responder", 13, "responder")] {
                try issue(name, serial: serial, extensions: extensions)
            }
            try run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "rogue.key", "-out", "rogue.pem",
                     "-subj", "/CN=Rogue Responder", "-days", "365", "-addext", "extendedKeyUsage=OCSPSigning"])
            let expiry = "351231000000Z"
            let revokedAt = Self.asn1Time(Date().addingTimeInterval(-3600))
            try """
                V\t\(expiry)\t\t0A\tunknown\t/CN=good
                R\t\(expiry)\t\(revokedAt)\t0B\tunknown\t/CN=revoked
                V\t\(expiry)\t\t0D\tunknown\t/CN=responder

                """.replacingOccurrences(of: "\n\n", with: "\n").write(toFile: directory + "/index.txt", atomically: true, encoding: .utf8)
            try run(["ca", "-config", "ca.cnf", "-gencrl", "-keyfile", "root.key", "-cert", "root.pem", "-out", "root.crl.pem"])
            try run(["crl", "-in", "root.crl.pem", "-outform", "DER", "-out", "root.crl"])
        }

        private func issue(_ name: String, serial: Int, extensions: String) throws {
            try run(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "\(name).key", "-out", "\(name).csr",
                     "-subj", "/CN=\(name)"])
            try run(["x509", "-req", "-in", "\(name).csr", "-CA", "root.pem", "-CAkey", "root.key", "-set_serial", String(serial), "-days", "365",
                     "-extfile", "ca.cnf", "-extensions", extensions, "-out", "\(name).pem"])
        }

        private func run(_ arguments: [String]) throws {
            let result = Command.run("openssl", arguments, in: directory)
            guard result.status == 0 else { throw GatewayError(.internalError, "openssl \(arguments.joined(separator: " ")): \(result.standardError)") }
        }

        static func asn1Time(_ date: Date) -> String {
            let formatter = DateFormatter()
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyMMddHHmmss"
            return formatter.string(from: date) + "Z"
        }

        func certificate(_ name: String) throws -> Certificate {
            try #require(try Certificate.certificates(pem: read(directory + "/\(name).pem")).first)
        }

        /// `openssl ocsp` answering on loopback, signing with `signer` (the responder, or the rogue).
        func responder(signer: String = "responder", days: Int = 1) throws -> BackgroundProcess {
            let process = try BackgroundProcess(["openssl", "ocsp", "-index", directory + "/index.txt", "-CA", directory + "/root.pem",
                                                 "-rsigner", directory + "/\(signer).pem", "-rkey", directory + "/\(signer).key",
                                                 "-port", String(ocspPort), "-ndays", String(days)],
                                                log: directory + "/ocsp-\(signer).log")
            // Not probed with a request: `openssl ocsp` ends at the first request it cannot read.
            for _ in 0..<200 {
                if (try? String(contentsOfFile: directory + "/ocsp-\(signer).log", encoding: .utf8))?.contains("waiting for OCSP client connections") == true { break }
                Thread.sleep(forTimeInterval: 0.05)
            }
            return process
        }

        /// The distribution point: `GET /root.crl` answers the CRL while `serving` is true.
        func distributionPoint() async throws -> (LoopbackServer, Int) {
            let crl = read(directory + "/root.crl")
            let router = Router()
            router.get("root.crl") { _, _ in
                Response(status: .ok, headers: [.contentType: "application/pkix-crl"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: crl)))
            }
            return (try await LoopbackServer.start(router, port: crlPort), crl.count)
        }
    }

    struct Check {
        let pki: PKI
        let store: TrustStore
        let caches = RevocationCaches(timing: .init(refresh: 1200, fresh: 3600, retry: 60))
        let threads = DeliveryThreads(count: 1)

        init(_ pki: PKI) throws {
            self.pki = pki
            store = try TrustStore(certificates: [try pki.certificate("root")], source: pki.directory)
        }

        func refresh(at time: Date = Date()) async -> (fetched: Int, failed: Int) {
            await RevocationRefresh(caches: caches, clock: FixedClock(time), threads: threads).refreshDue()
        }

        /// The policy's verdict on `name` with only OCSP, or only the distribution point's CRL.
        func verdict(_ name: String, ocsp: Bool, mode: RevocationMode = .hard, at time: Date = Date()) throws -> PolicyResult {
            let source: any RevocationSource = ocsp ? caches.ocsp : caches.distributionPoints
            let chain = try store.chain(for: try pki.certificate(name), intermediates: [])
            return RevocationPolicy(sources: [source], mode: mode).evaluate(chain, at: time)
        }
    }

    static func reason(_ result: PolicyResult) -> SignatureRefusal.Reason? {
        if case .failsToMeetPolicy(let refusal) = result { return refusal.reason }
        return nil
    }

    static func message(_ result: PolicyResult) -> String {
        if case .failsToMeetPolicy(let refusal) = result { return refusal.message }
        return "meets the policy"
    }

    @Test func ocspAndFetchedCRLsSayGoodRevokedOrUnknownWithoutAVerificationWaiting() async throws {
        let pki = try await Blocking.run { try PKI() }
        let responder = try await Blocking.run { try pki.responder() }
        defer { responder.stop() }
        let (server, crlBytes) = try await pki.distributionPoint()
        defer { server.stop() }
        let check = try Check(pki)
        defer { check.threads.stop() }

        // Nothing fetched yet: a verification does not wait; hard mode refuses, soft mode passes.
        #expect(Self.reason(try check.verdict("good", ocsp: true)) == .revocationStatusUnknown)
        #expect(Self.reason(try check.verdict("good", ocsp: false)) == .revocationStatusUnknown)
        #expect(try check.verdict("good", ocsp: true, mode: .soft) == .meetsPolicy)
        for name in ["revoked", "stranger"] {
            _ = try check.verdict(name, ocsp: true)
            _ = try check.verdict(name, ocsp: false)
        }
        let round = await check.refresh()
        #expect(round.failed == 0, "every fetch succeeded: \(round)")
        #expect(round.fetched == 4, "three OCSP answers and one CRL (one distribution point serves all three)")

        #expect(try check.verdict("good", ocsp: true) == .meetsPolicy)
        #expect(try check.verdict("good", ocsp: false) == .meetsPolicy)
        let revokedOCSP = try check.verdict("revoked", ocsp: true)
        #expect(Self.reason(revokedOCSP) == .certificateRevoked && Self.message(revokedOCSP).contains("OCSP http://127.0.0.1:\(pki.ocspPort)/"))
        #expect(Self.reason(try check.verdict("revoked", ocsp: false)) == .certificateRevoked)
        #expect(Self.reason(try check.verdict("revoked", ocsp: true, mode: .soft)) == .certificateRevoked, "revoked refuses in soft mode too")
        let stranger = try check.verdict("stranger", ocsp: true)
        #expect(Self.reason(stranger) == .revocationStatusUnknown && Self.message(stranger).contains("does not know"), "\(Self.message(stranger))")
        #expect(try check.verdict("stranger", ocsp: false) == .meetsPolicy, "not on the CRL")

        // A day and a half later the answers (fresh for an hour, next update after a day) are stale.
        let later = Date().addingTimeInterval(36 * 3600)
        let stale = try check.verdict("good", ocsp: true, at: later)
        #expect(Self.reason(stale) == .revocationStatusUnknown && Self.message(stale).contains("stale"), "\(Self.message(stale))")
        let outdated = try check.verdict("good", ocsp: false, at: later)
        #expect(Self.reason(outdated) == .revocationStatusUnknown && Self.message(outdated).contains("out of date"), "\(Self.message(outdated))")
        print("revocation: OCSP good/revoked/unknown and CRL (\(crlBytes) bytes) good/revoked/absent read from caches filled by one background round (\(round.fetched) fetches); stale after 36 h; hard refuses unknown, soft passes it")
    }

    @Test func aResponderDownOrSigningAsAStrangerLeavesTheStatusUnknown() async throws {
        let pki = try await Blocking.run { try PKI() }
        let down = try Check(pki)
        defer { down.threads.stop() }
        _ = try down.verdict("good", ocsp: true)
        let failed = await down.refresh()
        #expect(failed.failed == 1)
        let unreachable = try down.verdict("good", ocsp: true)
        #expect(Self.reason(unreachable) == .revocationStatusUnknown && Self.message(unreachable).contains("could not be asked"), "\(Self.message(unreachable))")
        #expect(await down.refresh().fetched == 0, "a failed responder is asked again only after the retry delay")
        #expect(await down.refresh(at: Date().addingTimeInterval(61)).fetched == 1)

        let rogue = try await Blocking.run { try pki.responder(signer: "rogue") }
        defer { rogue.stop() }
        let forged = try Check(pki)
        defer { forged.threads.stop() }
        _ = try forged.verdict("revoked", ocsp: true)
        #expect(await forged.refresh().failed == 1)
        let refused = try forged.verdict("revoked", ocsp: true)
        #expect(Self.reason(refused) == .revocationStatusUnknown && Self.message(refused).contains("not signed by"), "\(Self.message(refused))")
    }
}
