import Foundation
import Testing
import TestSupport

/// The listener over TLS (world §1.1: TLS 1.2 or later): HTTPS with the gateway's certificate,
/// plain HTTP refused on it, plain HTTP off loopback only when asked for.
@Suite(.serialized) struct TLSTests {
    /// A throwaway CA and a server certificate for 127.0.0.1 under it.
    static func serverCertificate() throws -> (directory: String, ca: String, certificate: String, key: String) {
        let directory = temporaryDirectory("tls")
        write("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n", to: "\(directory)/ext")
        let steps: [[String]] = [
            ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "\(directory)/ca.key",
             "-out", "\(directory)/ca.pem", "-days", "2", "-subj", "/CN=Test TLS CA"],
            ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "\(directory)/server.key",
             "-out", "\(directory)/server.csr", "-subj", "/CN=127.0.0.1"],
            ["x509", "-req", "-in", "\(directory)/server.csr", "-CA", "\(directory)/ca.pem", "-CAkey", "\(directory)/ca.key", "-CAcreateserial",
             "-out", "\(directory)/server.pem", "-days", "2", "-extfile", "\(directory)/ext"],
        ]
        for step in steps {
            let result = Command.run("openssl", step)
            guard result.status == 0 else { throw GatewayTestFailure("openssl \(step[0]) failed: \(result.standardError)") }
        }
        return (directory, "\(directory)/ca.pem", "\(directory)/server.pem", "\(directory)/server.key")
    }

    /// A client certificate under the test CA, for mutual TLS; its SHA-256 fingerprint.
    static func clientCertificate(_ name: String, in directory: String) throws -> (certificate: String, key: String, fingerprint: String) {
        write("extendedKeyUsage=clientAuth\n", to: "\(directory)/client-ext")
        for step in [["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "\(directory)/\(name).key",
                      "-out", "\(directory)/\(name).csr", "-subj", "/CN=\(name)"],
                     ["x509", "-req", "-in", "\(directory)/\(name).csr", "-CA", "\(directory)/ca.pem", "-CAkey", "\(directory)/ca.key", "-CAcreateserial",
                      "-out", "\(directory)/\(name).pem", "-days", "2", "-extfile", "\(directory)/client-ext"]] {
            let result = Command.run("openssl", step)
            guard result.status == 0 else { throw GatewayTestFailure("openssl \(step[0]) failed: \(result.standardError)") }
        }
        let fingerprint = Command.run("openssl", ["x509", "-in", "\(directory)/\(name).pem", "-noout", "-fingerprint", "-sha256"])
            .standardOutput.split(separator: "=").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        return ("\(directory)/\(name).pem", "\(directory)/\(name).key", fingerprint)
    }

    /// The shipped partner files in a folder of their own, the paths made absolute, with `extra`
    /// appended to one of them.
    static func partners(in directory: String, appending extra: String, to partner: String) throws -> String {
        let folder = "\(directory)/Partners"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for file in try FileManager.default.contentsOfDirectory(atPath: RepositoryPaths.root + "/Partners") where file.hasSuffix(".yaml") {
            var text = try String(contentsOfFile: RepositoryPaths.root + "/Partners/" + file, encoding: .utf8)
                .replacingOccurrences(of: "../Certificates", with: RepositoryPaths.root + "/Certificates")
            if file == "\(partner).yaml" { text += "\n" + extra + "\n" }
            write(text, to: "\(folder)/\(file)")
        }
        return folder
    }

    /// Whether `GET /health` answers 200 over HTTPS within 10 s (without a client certificate).
    static func healthy(_ https: String, ca: String) async throws -> Bool {
        for _ in 0..<100 {
            if await curl(["--cacert", ca, "\(https)/health"]).status == "200" { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    static func curl(_ arguments: [String]) async -> (status: String, exit: Int32, headers: String) {
        await Blocking.run {
            let result = Command.run("curl", ["--silent", "--max-time", "10", "--output", "/dev/null", "--dump-header", "-",
                                              "--write-out", "\n%{http_code}"] + arguments)
            let lines = result.standardOutput.split(separator: "\n", omittingEmptySubsequences: false)
            return (String(lines.last ?? ""), result.status, lines.dropLast().joined(separator: "\n"))
        }
    }

    @Test func theGatewayServesHTTPSWithTLS12And13AndNothingElseOnItsPort() async throws {
        let tls = try Self.serverCertificate()
        let moit = try await FakePartner.start(answering: [202])
        defer { moit.stop() }
        let server = try ServeProcess(database: "sqlite:\(tls.directory)/gateway.sqlite", moitURL: moit.url,
                                      arguments: ["--tls-certificate", tls.certificate, "--tls-key", tls.key])
        defer { server.signal(SIGTERM) }
        let https = "https://127.0.0.1:\(server.port)"
        #expect(try await Self.healthy(https, ca: tls.ca))
        #expect(await Self.curl(["--cacert", tls.ca, "--tlsv1.2", "--tls-max", "1.2", "\(https)/health"]).status == "200")
        #expect(await Self.curl(["--cacert", tls.ca, "--tlsv1.3", "\(https)/health"]).status == "200")
        let old = await Self.curl(["--cacert", tls.ca, "--tlsv1", "--tls-max", "1.1", "\(https)/health"])
        #expect(old.status == "000" && old.exit != 0, "TLS 1.1 and older are refused")
        let plain = await Self.curl(["http://127.0.0.1:\(server.port)/health"])
        #expect(plain.status != "200", "plain HTTP on the TLS port gets no answer")

        write(try ServeProcess.application(7), to: "\(tls.directory)/application.jws")
        let posted = await Self.curl(["--cacert", tls.ca, "--header", "Content-Type: application/jose",
                                      "--data-binary", "@\(tls.directory)/application.jws", "\(https)/v1/partners/customs-core/messages"])
        #expect(posted.status == "202")
        let signIn = await Self.curl(["--cacert", tls.ca, "--data-urlencode", "name=officer-huong",
                                      "--data-urlencode", "password=\(TestAccess.officerPassword)", "\(https)/signin"])
        #expect(signIn.status == "303")
        #expect(signIn.headers.lowercased().contains("set-cookie:") && signIn.headers.contains("; Secure"), "\(signIn.headers)")
        print("TLS: /health over TLS 1.2 and 1.3 200, TLS 1.1 refused (curl exit \(old.exit)), plain HTTP on the port: \(plain.status) (curl exit \(plain.exit)); a partner message over HTTPS \(posted.status); session cookie Secure")
        await server.stop(SIGTERM)
    }

    @Test func aPartnerThatSendsOverMutualTLSIsRefusedAnotherCertificateBeforeItsBodyIsRead() async throws {
        let tls = try Self.serverCertificate()
        let customs = try Self.clientCertificate("customs-core-client", in: tls.directory)
        let moitClient = try Self.clientCertificate("moit-client", in: tls.directory)
        let partners = try Self.partners(in: tls.directory, appending: "clientCertificates:\n  fingerprints: [\"\(customs.fingerprint)\"]", to: "customs-core")
        let moit = try await FakePartner.start(answering: [202])
        defer { moit.stop() }
        let server = try ServeProcess(database: "sqlite:\(tls.directory)/gateway.sqlite", moitURL: moit.url,
                                      arguments: ["--partners", partners, "--tls-certificate", tls.certificate, "--tls-key", tls.key, "--client-ca", tls.ca])
        defer { server.signal(SIGTERM) }
        let https = "https://127.0.0.1:\(server.port)"
        #expect(try await Self.healthy(https, ca: tls.ca), "officers' browsers connect without a client certificate")
        write(try ServeProcess.application(3), to: "\(tls.directory)/application.jws")
        func post(_ client: (certificate: String, key: String, fingerprint: String)?) async -> String {
            await Self.curl(["--cacert", tls.ca, "--header", "Content-Type: application/jose", "--data-binary", "@\(tls.directory)/application.jws"]
                            + (client.map { ["--cert", $0.certificate, "--key", $0.key] } ?? []) + ["\(https)/v1/partners/customs-core/messages"]).status
        }
        let withoutCertificate = await post(nil)
        let withMOITs = await post(moitClient)
        let withItsOwn = await post(customs)
        #expect(withoutCertificate == "403" && withMOITs == "403")
        #expect(withItsOwn == "202")
        // Its client certificate is its credential for reads of its own cases.
        for _ in 0..<100 where moit.deliveries.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
        let read = await Self.curl(["--cacert", tls.ca, "--cert", customs.certificate, "--key", customs.key, "\(https)/v1/applications/IA-2025-000103"])
        let readByMOITCertificate = await Self.curl(["--cacert", tls.ca, "--cert", moitClient.certificate, "--key", moitClient.key,
                                                     "\(https)/v1/applications/IA-2025-000103"])
        #expect(read.status == "200" && readByMOITCertificate.status == "401")
        print("mutual TLS: customs-core's message without a client certificate \(withoutCertificate), with MOIT's \(withMOITs), with its own \(withItsOwn); its case read with its certificate \(read.status), with a certificate no partner file names \(readByMOITCertificate.status)")
        await server.stop(SIGTERM)
    }

    @Test func plainHTTPOffLoopbackNeedsToBeAskedFor() {
        let directory = temporaryDirectory("plain")
        let result = Command.run(GatewayBinary.path, ["serve", "--host", "0.0.0.0", "--port", String(FreePort.next()),
                                                      "--database", "sqlite:\(directory)/gateway.sqlite"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("without TLS: give --tls-certificate and --tls-key, or --allow-plain-http"), "\(result.standardError)")
    }
}

struct GatewayTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
