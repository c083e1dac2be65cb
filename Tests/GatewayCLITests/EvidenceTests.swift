import Foundation
import Hub
import Store
import SQLiteKit
import Testing
import TestSupport

/// `gateway evidence export` writes one message's ASiC-E container and `gateway evidence verify`
/// checks it offline; its parts hold with openssl and xmlsec1 alone, as the README shows; a
/// changed part, or a part changed with its manifest, is named.
@Suite struct EvidenceTests {
    struct Exchange {
        let database: String
        let messageId: String
        let authority: TestTimeStampAuthority
    }

    /// An application accepted from customs-core and delivered to MOIT,
    /// the store sealed and time-stamped at the stop.
    static func exchange() async throws -> Exchange {
        let authority = try await TestTimeStampAuthority.start()
        let moit = try await FakePartner.start(answering: [202])
        defer { moit.stop() }
        let database = "sqlite:" + temporaryDirectory("evidence") + "/gateway.sqlite"
        let server = try ServeProcess(database: database, moitURL: moit.url,
                                      arguments: ["--tsa-url", authority.url, "--tsa-certificate", authority.caCertificate])
        try await server.waitUntilHealthy()
        let answer = try await server.answer(try ServeProcess.application(300), as: "customs-core")
        #expect(answer.status == 202)
        for _ in 0..<200 where moit.deliveries.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
        #expect(moit.deliveries.count == 1)
        await server.stop(SIGTERM)
        let receipt = String(decoding: answer.body, as: UTF8.self).split(separator: ".")
        let payload = try #require(Data(base64Encoded: Self.padded(String(receipt[1]))))
        let id = try #require((try JSONSerialization.jsonObject(with: payload) as? [String: Any])?["gatewayMessageId"] as? String)
        return Exchange(database: database, messageId: id, authority: authority)
    }

    static func padded(_ base64URL: String) -> String {
        let text = base64URL.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        return text + String(repeating: "=", count: (4 - text.count % 4) % 4)
    }

    static func gateway(_ arguments: [String]) async -> Command.Result {
        await Blocking.run { Command.run(GatewayBinary.path, arguments, in: RepositoryPaths.root) }
    }

    static func export(_ exchange: Exchange) async throws -> String {
        let file = temporaryDirectory("asice") + "/\(exchange.messageId).asice"
        let result = await gateway(["evidence", "export", exchange.messageId, "--database", exchange.database, "--output", file])
        #expect(result.status == 0, "\(result.standardOutput) \(result.standardError)")
        return file
    }

    @Test func anExportedContainerHoldsOfflineAndWithCommonTools() async throws {
        let exchange = try await Self.exchange()
        defer { exchange.authority.stop() }
        let file = try await Self.export(exchange)
        let verified = await Self.gateway(["evidence", "verify", file, "--tsa-certificate", exchange.authority.caCertificate])
        print(verified.standardOutput)
        #expect(verified.status == 0, "\(verified.standardOutput) \(verified.standardError)")
        #expect(verified.standardOutput.contains("the evidence of message \(exchange.messageId) holds"))
        #expect(verified.standardOutput.contains("1 messages it caused and 1 delivery attempts"))
        #expect(verified.standardOutput.contains("Every seal time-stamped"))

        // The parts, with the tools a partner's or a court's expert already has.
        let folder = temporaryDirectory("unpacked")
        let root = RepositoryPaths.root
        let unzip = await Blocking.run { Command.run("unzip", ["-q", file, "-d", folder]) }
        #expect(unzip.status == 0, "\(unzip.standardError)")
        #expect(String(decoding: try #require(FileManager.default.contents(atPath: folder + "/mimetype")), as: UTF8.self) == "application/vnd.etsi.asic-e+zip")
        let stamp = await Blocking.run {
            Command.run("openssl", ["ts", "-verify", "-data", "audit/timestamp-1.seals", "-in", "audit/timestamp-1.tst", "-token_in",
                                    "-CAfile", exchange.authority.caCertificate], in: folder)
        }
        #expect(stamp.status == 0 && stamp.standardOutput.contains("Verification: OK"), "\(stamp.standardOutput) \(stamp.standardError)")
        let manifest = await Blocking.run {
            Command.run("openssl", ["cms", "-verify", "-binary", "-inform", "DER", "-in", "META-INF/signature.p7s", "-content", "META-INF/ASiCManifest.xml",
                                    "-CAfile", root + "/Certificates/demo/trust/vn/vn-root-ca.pem", "-purpose", "any", "-out", "/dev/null"], in: folder)
        }
        #expect(manifest.status == 0 && manifest.standardError.contains("Verification successful"), "\(manifest.standardOutput) \(manifest.standardError)")
        let delivered = try #require(try FileManager.default.contentsOfDirectory(atPath: folder + "/deliveries").first { $0.hasSuffix(".xml") })
        let xmlsec = await Blocking.run {
            Command.run("xmlsec1", ["--verify", "--trusted-pem", root + "/Certificates/demo/trust/vn/vn-root-ca.pem",
                                    "--untrusted-pem", root + "/Certificates/demo/trust/vn/vn-issuing-ca.pem", "deliveries/" + delivered], in: folder)
        }
        #expect(xmlsec.status == 0 && xmlsec.standardError.contains("OK"), "\(xmlsec.standardOutput) \(xmlsec.standardError)")
    }

    static func rewritten(_ file: String, _ change: ([StoredZip.Entry]) -> [StoredZip.Entry]) throws -> String {
        let entries = try StoredZip.read(Array(try #require(FileManager.default.contents(atPath: file))))
        let copy = file.replacingOccurrences(of: ".asice", with: "-changed.asice")
        FileManager.default.createFile(atPath: copy, contents: Data(StoredZip.write(change(entries), at: Date())))
        return copy
    }

    @Test func aChangedPartOrAChangedManifestIsNamed() async throws {
        let exchange = try await Self.exchange()
        defer { exchange.authority.stop() }
        let file = try await Self.export(exchange)
        let messageName = "message/\(exchange.messageId).jws"
        let changedMessage = try Self.rewritten(file) { entries in
            entries.map { $0.name == messageName ? StoredZip.Entry($0.name, $0.bytes + [0x20]) : $0 }
        }
        let first = await Self.gateway(["evidence", "verify", changedMessage])
        #expect(first.status == 1 && first.standardOutput.contains("\(messageName) was changed: its SHA-256 is not the one in the signed manifest"),
                "\(first.standardOutput) \(first.standardError)")

        // The intruder rewrites the manifest to match: the gateway's signature over it breaks.
        let changedManifest = try Self.rewritten(file) { entries in
            let changed = entries.map { $0.name == messageName ? StoredZip.Entry($0.name, $0.bytes + [0x20]) : $0 }
            let data = changed.filter { $0.name != "mimetype" && !$0.name.hasPrefix("META-INF/") }
            return changed.map { $0.name == "META-INF/ASiCManifest.xml" ? StoredZip.Entry($0.name, Self.manifest(data)) : $0 }
        }
        let second = await Self.gateway(["evidence", "verify", changedManifest])
        #expect(second.status == 1 && second.standardOutput.contains("The manifest's signature does not hold"), "\(second.standardOutput) \(second.standardError)")
    }

    @Test func anEventNotYetSealedIsSaidAndAnUnknownMessageRefused() async throws {
        let database = "sqlite:" + temporaryDirectory("unsealed") + "/gateway.sqlite"
        let server = try ServeProcess(database: database)
        try await server.waitUntilHealthy()
        let answer = try await server.answer(try ServeProcess.application(310), as: "customs-core")
        let payload = try #require(Data(base64Encoded: Self.padded(String(String(decoding: answer.body, as: UTF8.self).split(separator: ".")[1]))))
        let id = try #require((try JSONSerialization.jsonObject(with: payload) as? [String: Any])?["gatewayMessageId"] as? String)
        let early = await Self.gateway(["evidence", "export", id, "--database", database, "--output", temporaryDirectory("early") + "/x.asice"])
        #expect(early.status != 0 && early.standardError.contains("is not sealed yet"), "\(early.standardOutput) \(early.standardError)")
        await server.stop(SIGTERM)
        let unknown = await Self.gateway(["evidence", "export", "no-such-message", "--database", database])
        #expect(unknown.status != 0 && unknown.standardError.contains("No message no-such-message is stored"), "\(unknown.standardError)")
    }

    /// A manifest of `entries` as the container's: the same shape the gateway writes.
    static func manifest(_ entries: [StoredZip.Entry]) -> [UInt8] {
        var text = #"<?xml version="1.0" encoding="UTF-8"?><asic:ASiCManifest xmlns:asic="http://uri.etsi.org/02918/v1.2.1#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#">"#
        for entry in entries {
            let digest = Data(Digest.sha256(entry.bytes)).base64EncodedString()
            text += #"<asic:DataObjectReference URI="\#(entry.name)"><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>\#(digest)</ds:DigestValue></asic:DataObjectReference>"#
        }
        return Array((text + "</asic:ASiCManifest>").utf8)
    }
}
