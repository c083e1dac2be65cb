import Delivery
import Foundation
import LocalPostgres
import Testing
import TestSupport

/// Deliveries over mutual TLS as the partner files configure them: the gateway presents its
/// client certificate and trusts only the partner's server CA. The partner here is Python's
/// ssl module requiring a client certificate of the Viet Nam demo PKI — an independent TLS stack.
@Suite struct MutualTLSTests {
    /// A TLS server on 127.0.0.1 that requires a client certificate, answers 202 and writes the
    /// client certificate's common name to `clients`.
    final class PartnerTLSServer {
        var process: BackgroundProcess?
        let directory = temporaryDirectory("mtls")
        var port = 0
        var clients: String { String(decoding: read("\(directory)/clients.txt"), as: UTF8.self) }
        var serverCA: String { "\(directory)/ca.pem" }

        init() throws {
            let d = directory
            try Self.openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "\(d)/ca.key",
                              "-out", "\(d)/ca.pem", "-subj", "/CN=Partner TLS CA (test)", "-days", "2"])
            try Self.openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "\(d)/server.key",
                              "-out", "\(d)/server.csr", "-subj", "/CN=127.0.0.1"])
            write("subjectAltName=IP:127.0.0.1\n", to: "\(d)/san.ext")
            try Self.openssl(["x509", "-req", "-in", "\(d)/server.csr", "-CA", "\(d)/ca.pem", "-CAkey", "\(d)/ca.key", "-CAcreateserial",
                              "-out", "\(d)/server.pem", "-days", "2", "-extfile", "\(d)/san.ext"])
            let vnTrust = RepositoryPaths.root + "/Certificates/demo/trust/vn"
            let clientCAs = ["vn-root-ca.pem", "vn-issuing-ca.pem"].map { String(decoding: read("\(vnTrust)/\($0)"), as: UTF8.self) }.joined()
            write(clientCAs, to: "\(d)/client-ca.pem")
            write("", to: "\(d)/clients.txt")
            write("""
                import http.server, ssl, sys
                d = sys.argv[1]
                class Partner(http.server.BaseHTTPRequestHandler):
                    def do_POST(self):
                        self.rfile.read(int(self.headers.get('Content-Length', '0')))
                        subject = dict(field[0] for field in self.connection.getpeercert()['subject'])
                        with open(d + '/clients.txt', 'a') as clients:
                            clients.write(subject['commonName'] + '\\n')
                        self.send_response(202)
                        self.send_header('Content-Length', '0')
                        self.end_headers()
                    def log_message(self, *arguments):
                        pass
                server = http.server.HTTPServer(('127.0.0.1', 0), Partner)
                context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                context.load_cert_chain(d + '/server.pem', d + '/server.key')
                context.load_verify_locations(d + '/client-ca.pem')
                context.verify_mode = ssl.CERT_REQUIRED
                server.socket = context.wrap_socket(server.socket, server_side=True)
                with open(d + '/port.tmp', 'w') as port:
                    port.write(str(server.server_address[1]))
                import os
                os.rename(d + '/port.tmp', d + '/port')
                server.serve_forever()
                """, to: "\(d)/partner.py")
            process = try BackgroundProcess(["python3", "\(d)/partner.py", d], log: "\(d)/partner.log")
            for _ in 0..<100 where !FileManager.default.fileExists(atPath: "\(d)/port") { Thread.sleep(forTimeInterval: 0.05) }
            port = Int(String(decoding: read("\(d)/port"), as: UTF8.self)) ?? 0
        }

        func stop() {
            process?.stop()
        }

        static func openssl(_ arguments: [String]) throws {
            let result = Command.run("openssl", arguments)
            guard result.status == 0 else { throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: result.standardError]) }
        }
    }

    static let gatewayCertificate = RepositoryPaths.root + "/Certificates/demo/gateway/cert.pem"
    static let gatewayKey = RepositoryPaths.root + "/Certificates/demo/gateway/key.pem"

    func request(_ server: PartnerTLSServer, certificate: String?, key: String?, serverCA: String) -> HTTPPoster.Request {
        HTTPPoster.Request(url: "https://127.0.0.1:\(server.port)/inbound", contentType: "application/jose", body: Array("a.b.c".utf8),
                           clientCertificate: certificate, clientKey: key, serverCA: serverCA, connectTimeout: 5, totalTimeout: 10)
    }

    @Test func theGatewayPresentsItsCertificateAndTrustsOnlyThePartnersCA() throws {
        let server = try PartnerTLSServer()
        defer { server.stop() }
        try #require(server.port > 0, "the Python TLS server did not start")
        let poster = HTTPPoster()

        let delivered = poster.post(request(server, certificate: Self.gatewayCertificate, key: Self.gatewayKey, serverCA: server.serverCA))
        #expect(delivered.status == 202, "\(delivered.failure ?? "")")
        #expect(server.clients == "nsw-gateway-signing.example\n")

        let anonymous = poster.post(request(server, certificate: nil, key: nil, serverCA: server.serverCA))
        #expect(anonymous.status == nil, "a partner requiring client certificates refuses the handshake")

        let wrongCA = poster.post(request(server, certificate: Self.gatewayCertificate, key: Self.gatewayKey,
                                          serverCA: RepositoryPaths.root + "/Certificates/demo/trust/vn/vn-root-ca.pem"))
        #expect(wrongCA.status == nil)
        #expect(wrongCA.failure?.contains("certificate") == true, "\(wrongCA.failure ?? "")")
        #expect(server.clients == "nsw-gateway-signing.example\n", "nothing was delivered without mutual trust")
    }
}
