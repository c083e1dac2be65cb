import Foundation
import GatewayCore
import Logging
import Metrics
import Store
import Synchronization

/// What the worker needs to know about partners, without knowing the hub: where a message goes,
/// when a failed one is tried again, and what a successful delivery changes in a case.
public protocol DeliveryPlan: Sendable {
    /// The partners messages are delivered to: each gets a lane of its own.
    var receivers: [String] { get }
    /// The request that delivers `message`, or nil when its partner has no endpoint.
    func request(for message: StoredMessage) -> HTTPPoster.Request?
    /// The delay before the next attempt after `attempt` failed transiently, or nil to dead-letter.
    func retryDelay(for message: StoredMessage, afterAttempt attempt: Int, elapsed: TimeInterval) -> TimeInterval?
    /// What a final answer to a delivery causes — case events (a licence case becomes APPLIED
    /// when MOIT accepts the application) and messages to send next (an ASEAN ACK once
    /// customs-core took a certificate). Not asked for attempts that will be retried. Throws only
    /// when the store cannot be read now: the worker asks again.
    func consequences(of outcome: DeliveryOutcome, for message: StoredMessage, at time: Date) async throws(GatewayError) -> DeliveryConsequences
}

/// The case events, case states and follow-up messages of a delivery's final answer, stored with the attempt.
public struct DeliveryConsequences: Sendable {
    public var events: [CaseEvent]
    /// The new states of the cases the answer moves, each against the version it was decided on.
    public var updates: [CaseUpdate]
    public var followUps: [StoredMessage]

    public init(events: [CaseEvent] = [], updates: [CaseUpdate] = [], followUps: [StoredMessage] = []) {
        self.events = events
        self.updates = updates
        self.followUps = followUps
    }
}

/// Delivers the outbox: claims due messages (the oldest undelivered one of each business object,
/// so one object's messages go in order while different objects go in parallel), posts them
/// on the delivery threads with the identical stored bytes, and records every attempt. 2xx is
/// delivered; 429, 5xx, timeouts and connection errors are retried per the partner's policy,
/// then dead-lettered; any other answer is final.
///
/// Each partner has a lane of its own with at most `perPartner` deliveries in flight, claimed
/// as slots free up: a partner that hangs or fails holds its own lane's slots, never another's.
public final class OutboxWorker: Sendable {
    let store: GatewayStore
    let plan: any DeliveryPlan
    let threads: DeliveryThreads
    let poster: HTTPPoster
    let clock: any GatewayClock
    /// Unique to this process: two instances on one host, or one restarted, never share claims.
    public let name: String
    let perPartner: Int
    let lease: TimeInterval
    let logger: Logger
    let metrics: any MetricsFactory
    private let doorbells = Mutex<[DeliveryScope: Doorbell]>([:])
    /// The messages this worker is delivering now: only their claims are renewed.
    private let delivering = Mutex<Set<String>>([])

    /// `threads` must hold `perPartner` threads for each lane (`OutboxWorker.threads(for:perPartner:)`),
    /// so that no lane waits for a thread another lane holds.
    public init(store: GatewayStore, plan: any DeliveryPlan, threads: DeliveryThreads, clock: any GatewayClock = SystemClock(),
                name: String = OutboxWorker.uniqueName(), perPartner: Int = 8, lease: TimeInterval = 30,
                logger: Logger = Logger(label: "gateway.delivery"), metrics: any MetricsFactory = MetricsSystem.factory) {
        self.store = store
        self.plan = plan
        self.threads = threads
        poster = HTTPPoster()
        self.clock = clock
        self.name = name
        self.perPartner = perPartner
        self.lease = lease
        self.logger = logger
        self.metrics = metrics
    }

    /// `gateway@HOST/PID-RANDOM`: readable in the outbox's `claimed_by`, and never the name of
    /// another process.
    public static func uniqueName() -> String {
        "gateway@\(ProcessInfo.processInfo.hostName)/\(ProcessInfo.processInfo.processIdentifier)-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
    }

    /// The lanes the worker runs: one per partner of the plan, and one for messages to partners
    /// the configuration no longer has.
    var scopes: [DeliveryScope] { plan.receivers.map { .partner($0) } + [.partnersOtherThan(plan.receivers)] }

    /// The delivery threads a plan's lanes need.
    public static func threads(for plan: any DeliveryPlan, perPartner: Int) -> Int { (plan.receivers.count + 1) * perPartner }

    /// Delivers until the task is cancelled: each lane claims whenever messages were accepted
    /// (`wake`), a delivery of its own finished, or `interval` has passed (retries that came due,
    /// leases of dead workers). Cancelling lets the deliveries in flight finish and be recorded,
    /// then hands back any claim still held.
    public func run(interval: Duration = .milliseconds(500)) async {
        // Not cancelled with the worker: claims are renewed until the last delivery is recorded.
        let renewing = Task { await renewClaims() }
        await withDiscardingTaskGroup { group in
            for scope in scopes {
                group.addTask { await self.lane(scope, interval: interval) }
            }
        }
        renewing.cancel()
        await renewing.value
        let store = store, name = name, logger = logger
        await Task {
            do {
                try await store.releaseClaims(of: name)
            } catch {
                logger.error("Cannot hand back the claims of \(name): \(error); their lease puts them back")
            }
        }.value
    }

    private func lane(_ scope: DeliveryScope, interval: Duration) async {
        let doorbell = Doorbell()
        doorbells.withLock { $0[scope] = doorbell }
        let inFlight = InFlight()
        await withDiscardingTaskGroup { group in
            let ticking = Task { await doorbell.ticking(every: interval) }
            defer { ticking.cancel() }
            while !Task.isCancelled {
                let busy = inFlight.count.load(ordering: .relaxed)
                let free = perPartner - busy
                var claimed = 0
                // Claims in batches: an idle lane claims at once, a busy one when half its slots
                // are free, not one claim (a transaction) for every delivery that ends.
                if free > 0 && (busy == 0 || free * 2 >= perPartner) {
                    do {
                        // Not cancelled with the lane: a store call cut off half-way can leave
                        // its database connection waiting.
                        let store = store, name = name, now = clock.now(), lease = lease
                        let deliveries = try await Task { () throws(GatewayError) in
                            try await store.claimDeliveries(worker: name, now: now, lease: lease, limit: free, scope: scope)
                        }.value
                        claimed = deliveries.count
                        // A claim of this worker whose lease ran out while the database was away
                        // may come back to it while its delivery is still under way: not sent twice.
                        let fresh = deliveries.filter { delivery in delivering.withLock { $0.insert(delivery.message.id).inserted } }
                        inFlight.count.add(fresh.count, ordering: .relaxed)
                        for delivery in fresh {
                            group.addTask {
                                // A delivery is not cancelled with the worker: stopping waits for
                                // it and records it (the store refuses work in a cancelled task).
                                await Task { await self.deliver(delivery) }.value
                                _ = self.delivering.withLock { $0.remove(delivery.message.id) }
                                inFlight.count.subtract(1, ordering: .relaxed)
                                doorbell.ring()
                            }
                        }
                    } catch {
                        if !Task.isCancelled { logger.error("Claiming deliveries (\(scope)) failed: \(error)") }
                    }
                }
                // A full claim may have left more due messages: claim again at once if slots are free.
                if claimed == free && claimed > 0 { continue }
                await doorbell.wait()
            }
        }
    }

    private func renewClaims() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(lease / 3))
            let ids = delivering.withLock { Array($0) }
            guard !ids.isEmpty else { continue }
            do {
                try await store.renewClaims(ids, of: name, until: clock.now().addingTimeInterval(lease))
            } catch {
                if !Task.isCancelled { logger.error("Cannot renew the claims of \(name): \(error)") }
            }
        }
    }

    /// Tells every waiting lane that messages may be due (a dead letter put back, say).
    public func wake() {
        for doorbell in doorbells.withLock({ Array($0.values) }) { doorbell.ring() }
    }

    /// Tells the lanes of `partners` that new messages for them are in the outbox; the others
    /// sleep on (a claim is a transaction).
    public func wake(partners: some Sequence<String>) {
        let served = Set(plan.receivers)
        let rung = doorbells.withLock { doorbells in
            Set(partners).compactMap { doorbells[served.contains($0) ? .partner($0) : .partnersOtherThan(plan.receivers)] }
        }
        for doorbell in rung { doorbell.ring() }
    }

    /// One round over every partner (tests and tools): claims what is due now and delivers it;
    /// the number of messages attempted.
    @discardableResult
    public func deliverDue(limit: Int = 16) async throws(GatewayError) -> Int {
        let deliveries = try await store.claimDeliveries(worker: name, now: clock.now(), lease: lease, limit: limit)
        await withTaskGroup(of: Void.self) { group in
            for delivery in deliveries {
                group.addTask { await self.deliver(delivery) }
            }
        }
        return deliveries.count
    }

    private func deliver(_ delivery: Delivery) async {
        let message = delivery.message
        let started = clock.now()
        guard let request = plan.request(for: message) else {
            await record(.failed(httpStatus: nil, error: "\(message.partner) has no endpoint to deliver to"), of: delivery,
                         startedAt: started, duration: 0, consequences: DeliveryConsequences())
            return
        }
        let response = await threads.run { [poster] in poster.post(request) }
        let finished = clock.now()
        let outcome = classify(response, of: delivery, at: finished)
        Counter(label: "gateway_deliveries_total", dimensions: [("partner", message.partner), ("outcome", outcome.name)], factory: metrics)
            .increment()
        Timer(label: "gateway_delivery_seconds", dimensions: [("partner", message.partner)], factory: metrics)
            .recordSeconds(finished.timeIntervalSince(started))
        let duration = finished.timeIntervalSince(started)
        var decisions = 1, waits = 0
        while true {
            let consequences: DeliveryConsequences
            do {
                consequences = switch outcome {
                case .delivered, .failed: try await plan.consequences(of: outcome, for: message, at: finished)
                case .retry, .deadLetter: DeliveryConsequences()
                }
            } catch {
                // The case could not be read (the database is away): the answer is recorded with
                // what it causes once it is back, never without.
                guard waits < Self.recordTries else {
                    logger.error("The delivery of \(message.id) is not recorded: \(error); its lease puts it back.")
                    return
                }
                waits += 1
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            let recorded = await record(outcome, of: delivery, startedAt: started, duration: duration, consequences: consequences)
            guard !recorded else { return }
            // The case the answer moves changed after its consequences were decided: decided again on it.
            guard decisions < Self.decisions else {
                logger.error("The delivery of \(message.id) is not recorded: its case kept changing; its lease puts it back.")
                return
            }
            decisions += 1
        }
    }

    /// How often the consequences of an answer are decided when the case changes meanwhile.
    static let decisions = 3
    /// How many seconds an attempt waits for the database to record it. After that its claim is
    /// no longer renewed: it runs out and the message is delivered again (the partner knows its
    /// idempotency key).
    static let recordTries = 120

    /// An attempt that cannot be recorded is logged; the claim's lease then puts the message back.
    /// False when the case it changes changed meanwhile, so that its consequences are decided again.
    @discardableResult
    private func record(_ outcome: DeliveryOutcome, of delivery: Delivery, startedAt: Date, duration: TimeInterval,
                        consequences: DeliveryConsequences, recordTries: Int = 1) async -> Bool {
        do {
            try await store.record(outcome, of: delivery, startedAt: startedAt, duration: duration,
                                   events: consequences.events, updates: consequences.updates, followUps: consequences.followUps)
            if !consequences.followUps.isEmpty { wake(partners: consequences.followUps.map(\.partner)) }
            log(outcome, of: delivery, duration: duration)
            for event in consequences.events { logger.info("Case changed", metadata: event.logFields.mapValues { .string($0) }) }
            return true
        } catch where error.code == .caseChanged {
            return false
        } catch where error.code == .claimLost {
            logger.warning("\(error.message)")
            return true
        } catch where error.code == .storeUnavailable && recordTries < Self.recordTries {
            // The partner has answered: its answer is kept once the database is back.
            try? await Task.sleep(for: .seconds(1))
            return await record(outcome, of: delivery, startedAt: startedAt, duration: duration, consequences: consequences,
                                recordTries: recordTries + 1)
        } catch {
            logger.error("Cannot record the delivery of \(delivery.message.id): \(error)")
            return true
        }
    }

    /// One line per recorded attempt, with the message's ids: delivered, retried, failed for good
    /// or dead-lettered.
    private func log(_ outcome: DeliveryOutcome, of delivery: Delivery, duration: TimeInterval) {
        let message = delivery.message
        var metadata: Logger.Metadata = ["message.id": "\(message.id)", "partner.id": "\(message.partner)", "message.type": "\(message.messageType)",
                                         "attempt": "\(delivery.attempt)", "duration.ms": "\(Int(duration * 1000))"]
        if let key = message.businessKey { metadata["business.key"] = "\(key)" }
        if let cause = message.causedBy { metadata["correlation.id"] = "\(cause)" }
        switch outcome {
        case .delivered(let status, _):
            metadata["http.status"] = "\(status)"
            logger.info("Message delivered", metadata: metadata)
        case .retry(let at, let status, let error):
            metadata["http.status"] = "\(status.map(String.init) ?? "none")"
            metadata["retry.at"] = "\(at.ISO8601Format())"
            logger.notice("Delivery failed, retried later: \(error)", metadata: metadata)
        case .failed(let status, let error, _):
            metadata["http.status"] = "\(status.map(String.init) ?? "none")"
            logger.warning("Delivery refused for good: \(error)", metadata: metadata)
        case .deadLetter(let status, let error):
            metadata["http.status"] = "\(status.map(String.init) ?? "none")"
            logger.error("Message dead-lettered after its last attempt: \(error)", metadata: metadata)
        }
    }

    func classify(_ response: HTTPPoster.Response, of delivery: Delivery, at now: Date) -> DeliveryOutcome {
        if let status = response.status, (200..<300).contains(status) {
            return .delivered(httpStatus: status, response: response.body)
        }
        let transient = response.status.map { $0 == 429 || (500..<600).contains($0) } ?? true
        let error = response.failure.map { response.timedOut ? "timeout: \($0)" : $0 }
            ?? "HTTP \(response.status ?? 0): \(String(decoding: response.body.prefix(500), as: UTF8.self))"
        guard transient else { return .failed(httpStatus: response.status, error: error, response: response.body) }
        let elapsed = now.timeIntervalSince(delivery.message.createdAt)
        guard let delay = plan.retryDelay(for: delivery.message, afterAttempt: delivery.attempt, elapsed: elapsed) else {
            return .deadLetter(httpStatus: response.status, error: "\(error) (attempt \(delivery.attempt), giving up after the retry policy)")
        }
        return .retry(at: now.addingTimeInterval(delay), httpStatus: response.status, error: error)
    }
}

/// A lane's deliveries in flight, counted by the lane and its delivery tasks.
private final class InFlight: Sendable {
    let count = Atomic<Int>(0)
}
