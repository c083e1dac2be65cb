import Foundation
import GatewayCore
import Store
import Testing
import TestSupport

/// The store's behaviour, the same on SQLite and on PostgreSQL.
@Suite(.serialized) struct StoreTests {
    enum Backend: String, CaseIterable, Sendable { case sqlite, postgres }


    /// A store on a fresh database; one audit chain unless said otherwise, so a test can name a row by its number.
    static func withStore(_ backend: Backend, auditChains: Int? = 1, _ body: (GatewayStore, Backend) async throws -> Void) async throws {
        let location: DatabaseLocation
        switch backend {
        case .sqlite:
            location = .sqlite(path: temporaryDirectory("store") + "/var/gateway.sqlite")
        case .postgres:
            // One throwaway server for the whole run, each test on a database of its own.
            location = .postgres(url: try await TestPostgres.freshDatabase("store"))
        }
        let store = try await GatewayStore.open(location, auditChains: auditChains)
        do {
            try await body(store, backend)
            await store.close()
        } catch {
            await store.close()
            throw error
        }
    }

    static func inbound(_ key: String, body: String = "<LicenceDecision/>", about object: String = "application/IA-1",
                        at: Date = Date(timeIntervalSince1970: 1_741_000_000)) -> StoredMessage {
        StoredMessage(id: "in-\(key)-\(body.count)", direction: .inbound, partner: "moit", messageType: "moit/LicenceDecision",
                      idempotencyKey: key, body: Array(body.utf8), contentType: "application/xml", record: "{}",
                      businessKey: object, signer: "CN=eps-signing.moit.example", status: .accepted, createdAt: at)
    }

    static func outbound(_ id: String, object: String = "licence/L-1", at: Date = Date(timeIntervalSince1970: 1_741_000_000)) -> StoredMessage {
        StoredMessage(id: id, direction: .outbound, partner: "customs-core", messageType: "customs-core/LicenceRecord",
                      idempotencyKey: id, body: Array("{\"messageId\":\"\(id)\"}".utf8), contentType: "application/jose",
                      businessKey: object, status: .pending, causedBy: nil, createdAt: at)
    }

    @Test(arguments: Backend.allCases)
    func migrationsRunOnceAndTheSchemaIsVersioned(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store, _ in
            #expect(try await store.schemaVersions() == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
            #expect(Migrations.versions == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
            let again = try await GatewayStore.open(store.location)
            #expect(try await again.schemaVersions() == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
            await again.close()
        }
    }

    /// Several gateway processes started together on an empty PostgreSQL database all come up:
    /// the migrations, their bookkeeping table included, run one process at a time.
    @Test func instancesStartedTogetherOnAnEmptyDatabaseAllComeUp() async throws {
        let trials = 10, instances = 3
        var up = 0, failed: [String] = []
        for _ in 0..<trials {
            let url = try await TestPostgres.freshDatabase("together")
            let results = await withTaskGroup(of: Result<[Int], GatewayError>.self) { group in
                for _ in 0..<instances {
                    group.addTask {
                        do throws(GatewayError) {
                            let store = try await GatewayStore.open(.postgres(url: url))
                            let versions = try await store.schemaVersions()
                            await store.close()
                            return .success(versions)
                        } catch {
                            return .failure(error)
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            for result in results {
                switch result {
                case .success(let versions) where versions == Migrations.versions: up += 1
                case .success(let versions): failed.append("schema \(versions)")
                case .failure(let error): failed.append(error.message)
                }
            }
        }
        print("instances started together on an empty database: \(trials) trials of \(instances), \(up) up, \(failed.count) failed")
        #expect(failed.isEmpty, "\(failed.prefix(3))")
        #expect(up == trials * instances)
    }

    /// On PostgreSQL a message's writes go as one statement, which cannot change a row twice: two
    /// updates of one case in one message are stored one after the other, and land as on SQLite.
    /// One whose case moved on leaves nothing of the message, its timeline line included.
    @Test(arguments: Backend.allCases)
    func twoUpdatesOfOneCaseLandInOrderAndAStaleOneLeavesNothing(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store, _ in
            let message = Self.inbound("twice")
            let opened = CaseUpdate(kind: .application, key: "IA-2", expectedVersion: 0, status: .applied, facts: "{\"step\":1}")
            let decided = CaseUpdate(kind: .application, key: "IA-2", expectedVersion: 1, status: .approved, facts: "{\"step\":2}")
            let event = CaseEvent(kind: .application, key: "IA-2", event: "decision", status: .approved, partner: "moit",
                                  messageId: message.id, signer: message.signer, at: message.createdAt)
            #expect(try await store.accept(message, events: [event], updates: [opened, decided]) == .accepted(message))
            let stored = try #require(try await store.storedCase(kind: .application, key: "IA-2"))
            #expect(stored.version == 2 && stored.status == .approved && stored.facts == "{\"step\":2}")

            let stale = Self.inbound("stale")
            let again = CaseUpdate(kind: .application, key: "IA-2", expectedVersion: 1, status: .rejected, facts: nil)
            let line = CaseEvent(kind: .application, key: "IA-2", event: "decision", status: .rejected, partner: "moit",
                                 messageId: stale.id, signer: stale.signer, at: stale.createdAt)
            await #expect(throws: GatewayError.self) {
                _ = try await store.accept(stale, producing: [Self.outbound("out-stale")], events: [line], updates: [again])
            }
            #expect(try await store.message(stale.id) == nil)
            #expect(try await store.message("out-stale") == nil)
            #expect(try await store.timeline(kind: .application, key: "IA-2")?.events == [event])
            #expect(try await store.storedCase(kind: .application, key: "IA-2")?.version == 2)
            #expect(try await store.verifyAudit().isIntact)
        }
    }

    @Test(arguments: Backend.allCases)
    func acceptedMessageKeepsItsExactBytesAndEverythingItCaused(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store, _ in
            let body = "<LicenceDecision>Nguyễn Thị Thanh Hương \u{0}\u{1F}</LicenceDecision>"
            let message = Self.inbound("m-1", body: body)
            let event = CaseEvent(kind: .application, key: "IA-1", event: "decision", status: .approved, partner: "moit",
                                  messageId: message.id, signer: message.signer, at: message.createdAt)
            let outcome = try await store.accept(message, producing: [Self.outbound("out-1")], events: [event])
            #expect(outcome == .accepted(message))
            let stored = try #require(try await store.message(message.id))
            #expect(stored.body == Array(body.utf8))
            #expect(stored.digest == message.digest)
            #expect(try await store.outboxState(of: "out-1") == .pending)
            let timeline = try #require(try await store.timeline(kind: .application, key: "IA-1"))
            #expect(timeline.status == .approved)
            #expect(timeline.events == [event])
            // Received, queued, the timeline line, and the case's state at its version.
            let verification = try await store.verifyAudit()
            #expect(verification == AuditVerification(rows: 4, problem: nil), "\(verification)")
        }
    }

    @Test(arguments: Backend.allCases)
    func sameKeySameBytesIsADuplicateOtherBytesAConflict(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store, _ in
            let first = Self.inbound("m-2")
            _ = try await store.accept(first, producing: [Self.outbound("out-2")])
            try await store.setReceipt(Array("receipt".utf8), of: first.id)
            guard case .duplicate(let original) = try await store.accept(Self.inbound("m-2")) else {
                Issue.record("a retransmission must be recognised")
                return
            }
            #expect(original.receipt == Array("receipt".utf8))
            guard case .conflict(let existing) = try await store.accept(Self.inbound("m-2", body: "<LicenceDecision>other</LicenceDecision>")) else {
                Issue.record("other bytes under the same key must conflict")
                return
            }
            #expect(existing.id == first.id)
            #expect(try await store.messages(direction: .outbound).count == 1, "nothing was stored twice")
        }
    }

    /// A partner away for a while leaves thousands of messages waiting: a claim among them stays
    /// one probe per candidate even when the database's statistics were taken while the outbox
    /// was small and delivered (as PostgreSQL's autovacuum takes them), and still only the oldest
    /// message of each object is claimed.
    @Test(arguments: Backend.allCases)
    func aClaimAmongThousandsWaitingStaysQuick(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store, backend in
            let now = Date(timeIntervalSince1970: 1_741_000_100)
            _ = try await store.accept(Self.inbound("before"), producing: (0..<50).map { Self.outbound("early-\($0)", object: "licence/E-\($0)") })
            for delivery in try await store.claimDeliveries(worker: "w", now: now, lease: 30, limit: 50) {
                try await store.record(.delivered(httpStatus: 202, response: []), of: delivery, startedAt: now, duration: 0.1)
            }
            if backend == .postgres, case .postgres(let url) = store.location, let name = URL(string: url)?.lastPathComponent {
                try await TestPostgres.psql("ANALYZE outbox", database: name)
            }
            let objects = 3_000
            for batch in stride(from: 0, to: objects, by: 250) {
                let messages = (batch..<(batch + 250)).map { Self.outbound("L\($0)-v1", object: "licence/L-\($0)") }
                _ = try await store.accept(Self.inbound("backlog-\(batch)"), producing: messages + [Self.outbound("L\(batch)-v2", object: "licence/L-\(batch)")])
            }
            let started = ContinuousClock.now
            var claimed: [String] = []
            for _ in 0..<5 {
                claimed += try await store.claimDeliveries(worker: "w", now: now, lease: 30, limit: 4).map(\.message.id)
            }
            let perClaim = (ContinuousClock.now - started) / .milliseconds(1) / 5
            print("claims with \(objects + objects / 250) messages waiting (\(backend)): \(String(format: "%.1f", perClaim)) ms a claim of 4")
            #expect(claimed.count == 20)
            #expect(claimed.allSatisfy { $0.hasSuffix("-v1") }, "only the oldest message of each object")
            #expect(perClaim < 500, "a claim stays a probe per candidate, not a join of the backlog with itself")
        }
    }

    /// The start's backfill asks which licences have no facts yet: each message's case is found
    /// by its alias, not by holding every message against every case.
    @Test(arguments: Backend.allCases)
    func licencesWithoutFactsAreFoundWithoutReadingEveryCaseForEach(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store, backend in
            let licences = 4_000
            for batch in stride(from: 0, to: licences, by: 500) {
                let numbers = (batch..<(batch + 500)).map { "L-\($0)" }
                _ = try await store.accept(Self.inbound("records-\(batch)"), producing: numbers.map { Self.outbound("record-\($0)", object: "licence/\($0)") })
                try await store.append([], updates: numbers.map { number in
                    CaseUpdate(kind: .application, key: "IA-\(number)", expectedVersion: 0, status: .deliveredToCustoms,
                               facts: number == "L-7" ? nil : "{}", alias: number)
                }, at: Date(timeIntervalSince1970: 1_741_000_000))
            }
            let started = ContinuousClock.now
            let missing = try await store.businessKeysWithoutFacts(outbound: "customs-core/LicenceRecord", keyPrefix: "licence/")
            let seconds = (ContinuousClock.now - started) / .seconds(1)
            print("licences without facts among \(licences) (\(backend)): \(missing) in \(String(format: "%.3f", seconds)) s")
            #expect(missing == ["licence/L-7"])
            #expect(seconds < 0.25, "one probe of the cases per message")
        }
    }

    @Test(arguments: Backend.allCases)
    func messagesAboutOneObjectGoOutOneAtATimeInOrder(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store, _ in
            let now = Date(timeIntervalSince1970: 1_741_000_100)
            _ = try await store.accept(Self.inbound("a"), producing: [Self.outbound("L1-v1"), Self.outbound("L2-v1", object: "licence/L-2")])
            _ = try await store.accept(Self.inbound("b"), producing: [Self.outbound("L1-v2")])
            let first = try await store.claimDeliveries(worker: "w1", now: now, lease: 30, limit: 10)
            #expect(first.map(\.message.id) == ["L1-v1", "L2-v1"], "the second record of L-1 waits for the first")
            #expect(try await store.claimDeliveries(worker: "w2", now: now, lease: 30, limit: 10).isEmpty, "claimed messages are not claimed twice")
            try await store.record(.delivered(httpStatus: 202, response: []), of: first[1], startedAt: now, duration: 0.1)

            try await store.record(.retry(at: now.addingTimeInterval(60), httpStatus: 503, error: "HTTP 503"), of: first[0], startedAt: now, duration: 0.2)
            #expect(try await store.claimDeliveries(worker: "w1", now: now, lease: 30, limit: 10).isEmpty, "v2 still waits behind v1's retry")
            let retried = try await store.claimDeliveries(worker: "w1", now: now.addingTimeInterval(61), lease: 30, limit: 10)
            #expect(retried.map(\.message.id) == ["L1-v1"])
            #expect(retried.first?.attempt == 2)
            try await store.record(.delivered(httpStatus: 202, response: Array("ok".utf8)), of: retried[0], startedAt: now, duration: 0.1)
            let next = try await store.claimDeliveries(worker: "w1", now: now.addingTimeInterval(62), lease: 30, limit: 10)
            #expect(next.map(\.message.id) == ["L1-v2"])

            let attempts = try await store.attempts(of: "L1-v1")
            #expect(attempts.map(\.outcome) == ["retry", "delivered"])
            #expect(attempts.map(\.httpStatus) == [503, 202])
            #expect(try await store.message("L1-v1")?.receipt == Array("ok".utf8))
        }
    }

    /// An operator's search shows an outbound message as it stands: waiting, being delivered
    /// (claimed, its attempt not yet recorded), delivered; and finds it by that status.
    @Test(arguments: Backend.allCases)
    func aSearchShowsAMessageBeingDeliveredAsDelivering(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store, _ in
            let now = Date(timeIntervalSince1970: 1_741_000_100)
            _ = try await store.accept(Self.inbound("a"), producing: [Self.outbound("L1-v1")])
            func shown() async throws -> [MessageStatus] {
                try await store.search(MessageFilter(direction: .outbound), limit: 10).messages.map(\.status)
            }
            func found(_ status: MessageStatus) async throws -> [String] {
                try await store.search(MessageFilter(status: status), limit: 10).messages.map(\.id)
            }
            #expect(try await shown() == [.pending])
            #expect(try await found(.accepted) == ["in-a-18"])
            let claimed = try await store.claimDeliveries(worker: "w", now: now, lease: 30, limit: 10)
            #expect(try await shown() == [.delivering])
            #expect(try await found(.delivering) == ["L1-v1"])
            #expect(try await found(.pending).isEmpty)
            try await store.record(.delivered(httpStatus: 202, response: []), of: claimed[0], startedAt: now, duration: 0.1)
            #expect(try await shown() == [.delivered])
            #expect(try await found(.delivered) == ["L1-v1"])
            #expect(try await store.message("L1-v1")?.status == .delivered)
        }
    }
    @Test(arguments: Backend.allCases)
    func aClaimWhoseWorkerDiedIsTakenOverAfterItsLease(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store, _ in
            let now = Date(timeIntervalSince1970: 1_741_000_100)
            _ = try await store.accept(Self.inbound("c"), producing: [Self.outbound("out-c")])
            #expect(try await store.claimDeliveries(worker: "dead", now: now, lease: 30, limit: 1).count == 1)
            #expect(try await store.claimDeliveries(worker: "alive", now: now.addingTimeInterval(10), lease: 30, limit: 1).isEmpty)
            #expect(try await store.claimDeliveries(worker: "alive", now: now.addingTimeInterval(31), lease: 30, limit: 1).map(\.message.id) == ["out-c"])
        }
    }

    /// A worker whose lease ran out and was taken over cannot record its late attempt over its
    /// successor's; a worker that renews its claims keeps them.
    @Test(arguments: Backend.allCases)
    func claimsAreFencedRenewedAndHandedBack(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store, _ in
            let now = Date(timeIntervalSince1970: 1_741_000_100)
            _ = try await store.accept(Self.inbound("f"), producing: [Self.outbound("out-f")])
            let stale = try #require(try await store.claimDeliveries(worker: "slow", now: now, lease: 30, limit: 1).first)
            try await store.renewClaims(["out-f"], of: "slow", until: now.addingTimeInterval(60))
            #expect(try await store.claimDeliveries(worker: "other", now: now.addingTimeInterval(45), lease: 30, limit: 1).isEmpty,
                    "a renewed claim is not taken over")
            let successor = try #require(try await store.claimDeliveries(worker: "other", now: now.addingTimeInterval(61), lease: 30, limit: 1).first)
            #expect(successor.worker == "other")
            await #expect(throws: GatewayError.self) {
                try await store.record(.delivered(httpStatus: 202, response: []), of: stale, startedAt: now, duration: 70)
            }
            #expect(try await store.attempts(of: "out-f").isEmpty, "the late attempt is not recorded")
            #expect(try await store.outboxState(of: "out-f") == .delivering)
            try await store.releaseClaims(of: "other")
            let again = try await store.claimDeliveries(worker: "third", now: now.addingTimeInterval(62), lease: 30, limit: 1)
            #expect(again.map(\.message.id) == ["out-f"], "a handed-back claim is due at once")
            try await store.record(.delivered(httpStatus: 202, response: []), of: again[0], startedAt: now.addingTimeInterval(62), duration: 0.1)
            #expect(try await store.outboxState(of: "out-f") == .delivered)
        }
    }

    @Test(arguments: Backend.allCases)
    func deadLettersWaitForAReplay(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store, _ in
            let now = Date(timeIntervalSince1970: 1_741_000_100)
            _ = try await store.accept(Self.inbound("d"), producing: [Self.outbound("out-d")])
            let claimed = try await store.claimDeliveries(worker: "w", now: now, lease: 30, limit: 1)
            try await store.record(.deadLetter(httpStatus: nil, error: "connection refused"), of: claimed[0], startedAt: now, duration: 0.01)
            #expect(try await store.outboxState(of: "out-d") == .dead)
            #expect(try await store.claimDeliveries(worker: "w", now: now.addingTimeInterval(3600), lease: 30, limit: 1).isEmpty)
            await #expect(throws: GatewayError.self) { try await store.replay("out-unknown", at: now) }
            try await store.replay("out-d", at: now.addingTimeInterval(3600))
            let again = try await store.claimDeliveries(worker: "w", now: now.addingTimeInterval(3600), lease: 30, limit: 1)
            #expect(again.map(\.message.id) == ["out-d"])
            #expect(again.first?.message.body == Array("{\"messageId\":\"out-d\"}".utf8), "a replay sends the identical bytes")
        }
    }

    @Test(arguments: Backend.allCases)
    func concurrentAcceptsAllLandAndTheAuditChainHolds(_ backend: Backend) async throws {
        try await Self.withStore(backend, auditChains: nil) { store, _ in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<40 {
                    group.addTask { _ = try await store.accept(Self.inbound("p-\(index)"), producing: [Self.outbound("po-\(index)", object: "licence/\(index)")]) }
                }
                try await group.waitForAll()
            }
            #expect(try await store.messages().count == 80)
            let verification = try await store.verifyAudit()
            #expect(verification.rows == 80 && verification.isIntact, "\(verification.summary)")
            if backend == .postgres {
                #expect(verification.chains > 1, "accepts append to several chains side by side")
                try await AuditChainTests.execute("UPDATE audit_events SET detail = 'edited' WHERE chain = (SELECT MAX(chain) FROM audit_events) AND sequence = 1",
                                                  in: store.location)
                let tampered = try await store.verifyAudit()
                #expect(tampered.problem?.sequence == 1 && tampered.summary.contains("was edited"), "\(tampered.summary)")
            }
        }
    }

    /// Concurrent accepts are committed together on SQLite, yet each is taken on the state the
    /// ones before it left, and one that fails leaves nothing behind while those committed with
    /// it land: of the decisions that each create case IA-1 (compare-and-set on its version), one is
    /// accepted; of the messages that each produce the outbound message LR-1, the first lands and
    /// the others fail on its identifier after their own inbound message was written.
    @Test(arguments: Backend.allCases)
    func concurrentAcceptsAreTakenOneAfterAnotherAndAFailureLeavesNothing(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store, _ in
            let firstDecision = CaseUpdate(kind: .application, key: "IA-1", expectedVersion: 0, status: .approved, facts: nil)
            let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<90 {
                    group.addTask {
                        switch index % 3 {
                        case 0:
                            do {
                                _ = try await store.accept(Self.inbound("d-\(index)"), producing: [Self.outbound("do-\(index)")],
                                                           updates: [firstDecision])
                                return "decision accepted"
                            } catch let error as GatewayError where error.code == .caseChanged {
                                return "decision refused"
                            }
                        case 1:
                            _ = try await store.accept(Self.inbound("other-\(index)", about: "application/IA-\(index + 1000)"))
                            return "other application"
                        default:
                            do {
                                _ = try await store.accept(Self.inbound("r-\(index)", about: "application/IA-\(index + 1000)"),
                                                           producing: [Self.outbound("LR-1")])
                                return "LR-1 produced"
                            } catch {
                                return "LR-1 already stored"
                            }
                        }
                    }
                }
                return try await group.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
            }
            #expect(outcomes == ["decision accepted": 1, "decision refused": 29, "other application": 30,
                                 "LR-1 produced": 1, "LR-1 already stored": 29])
            let stored = try await store.messages()
            #expect(stored.count == 2 + 30 + 2)
            #expect(stored.filter { $0.idempotencyKey.hasPrefix("r-") }.count == 1)
            let verification = try await store.verifyAudit()
            #expect(verification.isIntact && verification.rows == 35, "\(verification)")
        }
    }
}
