import Foundation
import GatewayBenchmarks
import Testing
import TestSupport

/// A forged JWS as large as the gateway takes — a real signer's header around 4.9 MB of unsigned
/// bytes — is refused without decoding its payload, for at most twice what a valid message costs
/// (accepted, stored, delivered), measured on `gateway serve`'s own CPU clock. What it costs is
/// reading 4.9 MB and, for an ECDSA signer as here, hashing them (an RSA signature that cannot be
/// the key's is refused before any hashing). Before, the same refusal cost 86 ms.
@Suite(.serialized) struct ForgedMessageTests {
    @Test func aLargeForgedJWSCostsAtMostTwiceAValidMessageToRefuse() async throws {
        let moit = try await FakePartner.start(answering: [202])
        defer { moit.stop() }
        let server = try ServeProcess(database: "sqlite:" + temporaryDirectory("forged") + "/gateway.sqlite", moitURL: moit.url)
        defer { server.signal(SIGTERM) }
        try await server.waitUntilHealthy()
        let cpu = ProcessCPU(pid: server.process.processIdentifier)
        let rounds = 60
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
        let started = ContinuousClock.now
        var refused = 0
        for _ in 0..<rounds where try await server.post(forged, as: "customs-core") == 401 { refused += 1 }
        let forgedCPU = (try #require(cpu.seconds()) - before) / Double(rounds)
        // curl sends a body over 1 MB only after `100 Continue`: answered at once, not after its 1 s wait.
        let forgedSeconds = (ContinuousClock.now - started) / .seconds(1)
        print(String(format: "forged JWS of %d KiB: %d of %d refused 401 in %.1f s, %.2f ms of the gateway's CPU each; valid messages: %d of %d accepted, %.2f ms each; ratio %.2f",
                     forged.count / 1024, refused, rounds, forgedSeconds, forgedCPU * 1000, accepted, rounds, validCPU * 1000, forgedCPU / validCPU))
        #expect(accepted == rounds && refused == rounds && moit.deliveries.count == rounds)
        #expect(forgedSeconds < Double(rounds) * 0.5, "\(forgedSeconds) s for \(rounds) large messages")
        #expect(forgedCPU <= 2 * validCPU)
        await server.stop(SIGTERM)
    }
}
