import Foundation
import Synchronization

/// An RFC 3161 time-stamping authority on 127.0.0.1: `openssl ts -reply` behind an HTTP route,
/// with a CA and a TSA certificate (extended key usage timeStamping, critical) of its own, made
/// with the openssl tool in a temp directory. `stop()` makes it unreachable; `answering` switches
/// it to a key the CA never certified (its tokens' signatures are then wrong for the gateway).
public final class TestTimeStampAuthority: Sendable {
    public enum Mode: Sendable { case honest, wrongKey, refusing }

    public let directory: String
    private let partner: FakePartner
    private let state: State

    private final class State: Sendable {
        let mode = Mutex(Mode.honest)
        let granted = Mutex(0)
    }

    struct Failure: Error, CustomStringConvertible { let description: String }

    /// The CA certificate to trust (`--tsa-certificate`).
    public var caCertificate: String { directory + "/tsa-ca.pem" }
    public var url: String { partner.url }
    public var port: Int { partner.port }
    /// How many time-stamps it has granted.
    public var granted: Int { state.granted.withLock { $0 } }

    public func answering(_ next: Mode) { state.mode.withLock { $0 = next } }

    public func stop() { partner.stop() }

    private init(directory: String, partner: FakePartner, state: State) {
        self.directory = directory
        self.partner = partner
        self.state = state
    }

    /// A new authority on a free port; `port` to come back on the same one after `stop()`.
    public static func start(in directory: String = temporaryDirectory("tsa"), port: Int? = nil) async throws -> TestTimeStampAuthority {
        if !FileManager.default.fileExists(atPath: directory + "/tsa.pem") { try copyPKI(into: directory) }
        let state = State()
        let partner = try await FakePartner.start(port: port) { received in
            let current = state.mode.withLock { $0 }
            guard current != .refusing else { return (503, "text/plain", Array("down for maintenance".utf8)) }
            let name = UUID().uuidString
            let query = "\(directory)/\(name).tsq", reply = "\(directory)/\(name).tsr"
            FileManager.default.createFile(atPath: query, contents: Data(received.body))
            defer { try? FileManager.default.removeItem(atPath: query); try? FileManager.default.removeItem(atPath: reply) }
            let section = current == .honest ? "honest" : "wrong_key"
            let result = Command.run("openssl", ["ts", "-reply", "-config", "\(directory)/tsa.cnf", "-section", section, "-queryfile", query, "-out", reply])
            guard result.status == 0, let bytes = FileManager.default.contents(atPath: reply) else {
                return (500, "text/plain", Array(result.standardError.utf8))
            }
            state.granted.withLock { $0 += 1 }
            return (200, "application/timestamp-reply", Array(bytes))
        }
        return TestTimeStampAuthority(directory: directory, partner: partner, state: state)
    }

    /// The CA and keys are made once per test process (RSA key generation is what costs); each
    /// authority gets its own copy, its own serial file and configuration.
    private static let sharedPKI: Result<String, any Error> = Result {
        let directory = temporaryDirectory("tsa-pki")
        try makePKI(in: directory)
        return directory
    }

    private static func copyPKI(into directory: String) throws {
        let shared = try sharedPKI.get()
        for file in ["tsa-ca.pem", "tsa.pem", "tsa.key", "rogue.pem", "rogue.key"] {
            try FileManager.default.copyItem(atPath: "\(shared)/\(file)", toPath: "\(directory)/\(file)")
        }
        write("01\n", to: directory + "/serial")
        write(configuration(directory), to: directory + "/tsa.cnf")
    }

    private static func makePKI(in directory: String) throws {
        func openssl(_ arguments: [String]) throws {
            let result = Command.run("openssl", arguments, in: directory)
            guard result.status == 0 else { throw Failure(description: "openssl " + arguments.joined(separator: " ") + ": " + result.standardError) }
        }
        write("extendedKeyUsage = critical, timeStamping\nkeyUsage = critical, digitalSignature\n", to: directory + "/tsa.ext")
        try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "tsa-ca.key", "-out", "tsa-ca.pem", "-days", "3650",
                     "-subj", "/CN=Test Time-Stamping CA"])
        for name in ["tsa", "rogue"] {
            try openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=Test TSA \(name)"])
        }
        try openssl(["x509", "-req", "-in", "tsa.csr", "-CA", "tsa-ca.pem", "-CAkey", "tsa-ca.key", "-CAcreateserial", "-days", "3650",
                     "-extfile", "tsa.ext", "-out", "tsa.pem"])
        // Signed by itself: the gateway's trust (the CA above) does not reach it.
        try openssl(["x509", "-req", "-in", "rogue.csr", "-signkey", "rogue.key", "-days", "3650", "-extfile", "tsa.ext", "-out", "rogue.pem"])
    }

    private static func configuration(_ directory: String) -> String {
        func section(_ name: String, _ key: String) -> String {
            """
            [ \(name) ]
            dir = \(directory)
            serial = $dir/serial
            signer_cert = $dir/\(key).pem
            certs = $dir/\(key).pem
            signer_key = $dir/\(key).key
            signer_digest = sha256
            default_policy = 1.2.3.4.1
            digests = sha256
            accuracy = secs:1
            ordering = yes
            tsa_name = yes
            ess_cert_id_alg = sha256

            """
        }
        return "[ tsa ]\ndefault_tsa = honest\n\n" + section("honest", "tsa") + section("wrong_key", "rogue")
    }
}
