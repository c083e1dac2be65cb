import Foundation
import LocalPostgres
import Store
import Synchronization
import Testing
import TestSupport

/// PostgreSQL restarted under load, as an operator's restart or a failover does: partners get
/// only 202, 200 and 503 (retry), `/ready` says so while `/health` stays live, service resumes
/// by itself, and nothing accepted is lost.
@Suite(.serialized) struct DatabaseRestartTests {
    /// What the clients saw.
    final class Tally: Sendable {
        let statuses = Mutex<[Int: Int]>([:])
        let odd = Mutex<[String]>([])
        let accepted = Mutex<[(index: Int, at: ContinuousClock.Instant)]>([])
    }

    /// Sends `body` until it is accepted (202) or found to be (200), retrying after a 503 as a
    /// partner does; bounded.
    static func send(_ body: [UInt8], index: Int, to server: ServeProcess, tally: Tally) {
        for _ in 0..<120 {
            let answer = server.answerNow(body, as: "customs-core")
            tally.statuses.withLock { $0[answer.status, default: 0] += 1 }
            switch answer.status {
            case 200, 202:
                tally.accepted.withLock { $0.append((index, ContinuousClock.now)) }
                return
            case 503:
                Thread.sleep(forTimeInterval: 0.2)
            default:
                tally.odd.withLock { $0.append("\(answer.status) \(String(decoding: answer.body.prefix(300), as: UTF8.self))") }
                return
            }
        }
    }

    @Test func theDatabaseRestartedUnderLoadLosesNothing() async throws {
        let postgres = try await Blocking.run { try TestPostgres.start() }
        defer { postgres.stop() }
        let moit = try await FakePartner.start(answering: [202])
        defer { moit.stop() }
        let instances = [try ServeProcess(database: postgres.url, moitURL: moit.url),
                         try ServeProcess(database: postgres.url, moitURL: moit.url)]
        defer { for instance in instances { instance.signal(SIGTERM) } }
        for instance in instances { try await instance.waitUntilHealthy() }

        let count = 240, clients = 8
        let bodies = try (0..<count).map { try ServeProcess.application($0) }
        let tally = Tally()
        let started = ContinuousClock.now
        let done = DispatchGroup()
        // Partners post from threads of their own (each request a blocking curl).
        for client in 0..<clients {
            done.enter()
            Thread.detachNewThread {
                for index in stride(from: client, to: count, by: clients) {
                    Self.send(bodies[index], index: index, to: instances[index % instances.count], tally: tally)
                    Thread.sleep(forTimeInterval: 0.05)
                }
                done.leave()
            }
        }

        try await Task.sleep(for: .seconds(1))
        let acceptedBefore = tally.accepted.withLock { $0.count }
        try await Blocking.run { try postgres.pause() }
        let down = ContinuousClock.now
        try await Task.sleep(for: .seconds(2))
        let readyWhileDown = await instances[0].get("/ready").status
        let healthWhileDown = await instances[0].get("/health").status
        try await Task.sleep(for: .seconds(1))
        try await Blocking.run { try postgres.resume() }
        let up = ContinuousClock.now
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                done.wait()
                continuation.resume()
            }
        }
        let firstAfter = tally.accepted.withLock { accepted in accepted.map(\.at).filter { $0 > up }.min() }
        let recovery = firstAfter.map { ($0 - up) / .seconds(1) } ?? .infinity
        for _ in 0..<300 where Set(moit.deliveries.map(\.body)).count < count {
            try await Task.sleep(for: .milliseconds(100))
        }
        let seconds = (ContinuousClock.now - started) / .seconds(1)

        let store = try await GatewayStore.open(try DatabaseLocation(postgres.url))
        let inbound = try await store.messages(direction: .inbound)
        let outbound = try await store.messages(direction: .outbound)
        let deliveredBodies = moit.deliveries.map(\.body)
        let lost = outbound.filter { message in !deliveredBodies.contains(message.body) }.count
        let duplicates = deliveredBodies.count - Set(deliveredBodies).count
        let statuses = tally.statuses.withLock { $0 }
        let accepted = tally.accepted.withLock { $0.count }
        print("""
            database restarted under load: \(count) messages from \(clients) clients to 2 instances in \(String(format: "%.1f", seconds)) s; \
            answers \(statuses.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")); \
            \(acceptedBefore) accepted before the stop, database down \(String(format: "%.1f", (up - down) / .seconds(1))) s, \
            /ready \(readyWhileDown) and /health \(healthWhileDown) while down, first acceptance \(String(format: "%.2f", recovery)) s after it was back; \
            accepted \(accepted), stored \(inbound.count), delivered \(Set(deliveredBodies).count), lost \(lost), duplicate deliveries \(duplicates)
            """)
        #expect(tally.odd.withLock { $0 }.isEmpty, "only 202, 200 and 503: \(tally.odd.withLock { $0.prefix(3) })")
        #expect(Set(statuses.keys).isSubset(of: [200, 202, 503]))
        #expect(accepted == count, "every message was accepted in the end")
        #expect(inbound.count == count)
        #expect(lost == 0)
        #expect(readyWhileDown == 503)
        #expect(healthWhileDown == 200)
        #expect(recovery < 10)
        let verification = try await store.verifyAudit()
        #expect(verification.isIntact, "\(verification.summary)")
        await store.close()
        for instance in instances { await instance.stop(SIGTERM) }
    }
}
