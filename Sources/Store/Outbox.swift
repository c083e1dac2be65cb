import Foundation
import GatewayCore
import SQLKit

/// Where an outbound message stands.
public enum OutboxState: String, Sendable, Codable {
    /// Waiting for its (next) attempt.
    case pending
    /// Claimed by a delivery worker; back to the queue if the worker's lease runs out.
    case delivering
    case delivered
    /// Refused by the partner for good (a final 4xx): not retried.
    case failed
    /// Retried as long as the partner's policy allows, without success: waits for a replay.
    case dead
}

/// A message claimed for delivery, with the number its next attempt will have and the worker
/// that holds the claim (only that worker's attempt is recorded).
public struct Delivery: Sendable, Equatable {
    public let message: StoredMessage
    public let attempt: Int
    public let worker: String
}

/// Which messages a claim takes: every partner's, one partner's (a delivery lane), or those of
/// partners no lane serves (a partner removed from the configuration).
public enum DeliveryScope: Sendable, Hashable {
    case all
    case partner(String)
    case partnersOtherThan([String])
}

/// What one delivery attempt came to, and what happens next.
public enum DeliveryOutcome: Sendable, Equatable {
    case delivered(httpStatus: Int, response: [UInt8])
    case retry(at: Date, httpStatus: Int?, error: String)
    /// A final refusal, with the partner's answer (an ASEAN NSW refuses with a signed ACK).
    case failed(httpStatus: Int?, error: String, response: [UInt8] = [])
    case deadLetter(httpStatus: Int?, error: String)

    /// As the audit chain and the metrics name it.
    public var name: String {
        switch self {
        case .delivered: "delivered"
        case .retry: "retry"
        case .failed: "failed"
        case .deadLetter: "dead-letter"
        }
    }
}

/// One recorded attempt, as `GET /v1/messages/{id}` shows it.
public struct DeliveryAttempt: Sendable, Equatable, Codable {
    public let attempt: Int
    public let startedAt: Date
    public let durationMilliseconds: Int64
    public let httpStatus: Int?
    public let outcome: String
    public let error: String?
}

enum Outbox {
    /// Stores outbound messages and puts them in the queue; their audit events, to be appended
    /// in the same transaction.
    static func queue(_ messages: [StoredMessage], after cause: String, to writes: TransactionWrites) async throws -> [AuditChain.Event] {
        guard !messages.isEmpty else { return [] }
        var queued = SQLQueryString("""
            INSERT INTO outbox (message_id, partner, business_key, state, attempts, next_attempt_at, updated_at) VALUES\u{20}
            """)
        for (index, message) in messages.enumerated() {
            let now = StoreTime.milliseconds(message.createdAt)
            queued.appendInterpolation(unsafeRaw: index == 0 ? "" : ", ")
            queued.appendInterpolation("""
                (\(bind: message.id), \(bind: message.partner), \(bind: message.businessKey ?? message.id),
                 \(bind: OutboxState.pending.rawValue), 0, \(bind: now), \(bind: now))
                """ as SQLQueryString)
        }
        // Sent together on PostgreSQL, the outbox rows' references are checked at the end of the
        // statement, when the messages are in.
        try await writes.add(GatewayStore.insertion(messages))
        try await writes.add(queued)
        return messages.map { message in
            AuditChain.Event(kind: "message.queued", subject: message.id,
                             detail: "\(message.partner) \(message.messageType) sha256:\(message.digest) after \(cause)",
                             at: message.createdAt)
        }
    }
}

extension GatewayStore {
    /// `(?, ?, …)` with the values bound.
    static func list(_ values: [String]) -> SQLQueryString { bound(values, between: "(", and: ")") }

    /// The values bound, separated by commas, between `opening` and `closing` (`ARRAY[`, `]::TEXT[]`).
    static func bound<T: Encodable & Sendable>(_ values: [T], between opening: String, and closing: String) -> SQLQueryString {
        var list = SQLQueryString(opening)
        for (index, value) in values.enumerated() {
            list.appendInterpolation(unsafeRaw: index == 0 ? "" : ", ")
            list.appendInterpolation(bind: value)
        }
        list.appendInterpolation(unsafeRaw: closing)
        return list
    }

    /// Claims up to `limit` messages due for delivery at `now`, for `lease` seconds. Of the messages
    /// about one business object only the oldest undelivered one is ever claimed (world §1.4);
    /// a claim whose worker died is taken over by another worker when its lease has run out.
    /// On PostgreSQL, claims of several instances skip each other's rows instead of taking turns.
    public func claimDeliveries(worker: String, now: Date, lease: TimeInterval, limit: Int,
                                scope: DeliveryScope = .all) async throws(GatewayError) -> [Delivery] {
        let time = StoreTime.milliseconds(now)
        let partners: SQLQueryString = switch scope {
        case .all: ""
        case .partner(let partner): "AND o.partner = \(bind: partner)"
        case .partnersOtherThan(let served) where served.isEmpty: ""
        case .partnersOtherThan(let served): "AND o.partner NOT IN \(Self.list(served))"
        }
        // Two lookups, so that each walks one index in its order and stops at the limit: the
        // due messages by due time (an outbox with a backlog of thousands is not read and
        // sorted whole at every round), after the claims whose lease ran out.
        // A message is ready when it is the oldest open one of its object: one probe of
        // `outbox_object` per candidate. Written as "no earlier open one" (NOT EXISTS),
        // PostgreSQL's planner, whose row estimates lag behind a partner's growing backlog,
        // joined every pending row with every other: 4 s a claim with 3,800 messages waiting.
        let ready = SQLQueryString("""
            o.sequence = (SELECT e.sequence FROM outbox e
                          WHERE e.partner = o.partner AND e.business_key = o.business_key
                            AND e.state IN \(states: [.pending, .delivering])
                          ORDER BY e.sequence LIMIT 1)
            """)
        let expired = SQLQueryString("""
            SELECT o.message_id, o.attempts, 0 AS pass, o.sequence AS due, o.sequence FROM outbox o
            WHERE o.state = \(state: .delivering) AND o.claimed_until < \(bind: time) \(partners) AND \(ready)
            ORDER BY o.sequence LIMIT \(unsafeRaw: String(limit))
            """)
        let due = SQLQueryString("""
            SELECT o.message_id, o.attempts, 1 AS pass, o.next_attempt_at AS due, o.sequence FROM outbox o
            WHERE o.state = \(state: .pending) AND o.next_attempt_at <= \(bind: time) \(partners) AND \(ready)
            ORDER BY o.next_attempt_at, o.sequence LIMIT \(unsafeRaw: String(limit))
            """)
        let claim = SQLQueryString("""
            UPDATE outbox SET state = \(state: .delivering), claimed_by = \(bind: worker),
                claimed_until = \(bind: time + Int64(lease * 1000)), updated_at = \(bind: time)
            """)
        if backend.dialect == .postgres {
            return try await read("claiming deliveries") { db in
                // One statement, outside a transaction: one round trip. Claims of several
                // instances skip each other's rows instead of taking turns.
                try await db.raw("""
                    WITH expired AS (\(expired) FOR UPDATE OF o SKIP LOCKED),
                         due AS (\(due) FOR UPDATE OF o SKIP LOCKED),
                         chosen AS (SELECT * FROM expired UNION ALL SELECT * FROM due ORDER BY pass, due, sequence LIMIT \(unsafeRaw: String(limit))),
                         claimed AS (\(claim) FROM chosen WHERE outbox.message_id = chosen.message_id
                                     RETURNING chosen.message_id, chosen.attempts AS claimed_attempts, chosen.pass, chosen.due, chosen.sequence)
                    SELECT m.*, claimed.claimed_attempts FROM claimed JOIN messages m ON m.id = claimed.message_id
                    ORDER BY claimed.pass, claimed.due, claimed.sequence
                    """).all().map { row in
                    Delivery(message: try Self.decode(row), attempt: try row.decode(column: "claimed_attempts", as: Int.self) + 1, worker: worker)
                }
            }
        }
        return try await run("claiming deliveries") { db in
            var rows = try await db.raw(expired).all()
            if rows.count < limit { rows += try await db.raw(due).all().prefix(limit - rows.count) }
            guard !rows.isEmpty else { return [] }
            var attempts: [String: Int] = [:]
            var ids: [String] = []
            for row in rows {
                let id = try row.decode(column: "message_id", as: String.self)
                ids.append(id)
                attempts[id] = try row.decode(column: "attempts", as: Int.self)
            }
            try await db.raw("\(claim) WHERE message_id IN \(Self.list(ids))").run()
            let messages = try await db.raw("SELECT * FROM messages WHERE id IN \(Self.list(ids))").all().map(Self.decode)
            let byId = Dictionary(uniqueKeysWithValues: messages.map { ($0.id, $0) })
            return ids.compactMap { id in byId[id].map { Delivery(message: $0, attempt: (attempts[id] ?? 0) + 1, worker: worker) } }
        }
    }

    /// Records an attempt and moves the message on: delivered (the partner's answer kept),
    /// back to the queue at a later time, failed for good, or dead-lettered.
    /// The case events and new case states and the follow-up messages (an ASEAN ACK once
    /// customs-core took the certificate) are stored with the attempt, in its transaction.
    public func record(_ outcome: DeliveryOutcome, of delivery: Delivery, startedAt: Date,
                       duration: TimeInterval, events: [CaseEvent] = [], updates: [CaseUpdate] = [],
                       followUps: [StoredMessage] = []) async throws(GatewayError) {
        let chains = self.chains
        let id = delivery.message.id
        let alone = Cases.writtenBlind(updates: updates, events: events)
        try await write("recording a delivery attempt of \(id)", alone: alone) { db in
            let (status, error, response): (Int?, String?, [UInt8]?) = switch outcome {
            case .delivered(let status, let response): (status, nil, response)
            case .failed(let status, let error, let response): (status, error, response.isEmpty ? nil : response)
            case .retry(_, let status, let error), .deadLetter(let status, let error): (status, error, nil)
            }
            let end = StoreTime.milliseconds(startedAt) + Int64(duration * 1000)
            let (state, next): (OutboxState, Int64) = switch outcome {
            case .delivered: (.delivered, end)
            case .retry(let at, _, _): (.pending, StoreTime.milliseconds(at))
            case .failed: (.failed, end)
            case .deadLetter: (.dead, end)
            }
            // Fenced: only the worker that still holds the claim records; one whose lease ran out
            // and was taken over leaves the message to its successor.
            let release = SQLQueryString("""
                UPDATE outbox SET state = \(bind: state.rawValue), attempts = \(bind: delivery.attempt), next_attempt_at = \(bind: next),
                    claimed_by = NULL, claimed_until = NULL, last_error = \(bind: error), updated_at = \(bind: end)
                WHERE message_id = \(bind: id) AND state = \(state: .delivering) AND claimed_by = \(bind: delivery.worker)
                RETURNING message_id
                """)
            let attemptRow = SQLQueryString("""
                \(bind: id), \(bind: delivery.attempt), \(bind: StoreTime.milliseconds(startedAt)), \(bind: Int64(duration * 1000)),
                \(bind: status), \(bind: outcome.name), \(bind: error), \(bind: response.map { Data($0) })
                """)
            let attempts = "INSERT INTO delivery_attempts (message_id, attempt, started_at, duration_ms, http_status, outcome, error, response)"
            let messageStatus = SQLQueryString("UPDATE messages SET status = \(bind: MessageStatus(state).rawValue), receipt = \(bind: response.map { Data($0) })")
            let lost = GatewayError(.claimLost, "The claim of \(delivery.worker) on \(id) ran out and another worker holds it: this attempt is not recorded.")
            let writes = TransactionWrites(on: db, chains: chains, alone: alone)
            try await writes.add(release, as: "held", failing: lost)
            if chains.dialect == .postgres {
                // Sent together: the attempt and the message's status only where the claim was held.
                try await writes.add("\(unsafeRaw: attempts) SELECT \(attemptRow) FROM held")
                try await writes.add("\(messageStatus) WHERE id IN (SELECT message_id FROM held)")
            } else {
                try await writes.add("\(unsafeRaw: attempts) VALUES (\(attemptRow))")
                try await writes.add("\(messageStatus) WHERE id = \(bind: id)")
            }
            let attempt = AuditChain.Event(kind: "delivery.\(outcome.name)", subject: id,
                                           detail: "attempt \(delivery.attempt)\(status.map { " HTTP \($0)" } ?? "")\(error.map { ": \($0)" } ?? "")",
                                           at: StoreTime.date(end))
            let audit = [attempt] + (try await Outbox.queue(followUps, after: id, to: writes))
                + (try await Cases.store(updates: updates, items: [], events: events, at: StoreTime.date(end), to: writes, on: db))
            try await writes.finish(auditing: audit)
        }
    }

    /// Sends delivered messages once more, with their identical bytes: a partner that asks
    /// again for an answer it has lost (VCB re-sending a confirmation) gets it again.
    /// Messages still waiting for delivery are left as they are.
    public func redeliver(_ messageIds: [String], at now: Date) async throws(GatewayError) {
        guard !messageIds.isEmpty else { return }
        let chains = self.chains
        try await run("sending \(messageIds.joined(separator: ", ")) again") { db in
            let time = StoreTime.milliseconds(now)
            try await db.raw("""
                UPDATE outbox SET state = \(state: .pending), next_attempt_at = \(bind: time), updated_at = \(bind: time)
                WHERE state = \(state: .delivered) AND message_id IN \(Self.list(messageIds))
                """).run()
            try await db.raw("UPDATE messages SET status = \(status: .pending) WHERE status = \(status: .delivered) AND id IN \(Self.list(messageIds))").run()
            try await AuditChain.append(messageIds.map { AuditChain.Event(kind: "delivery.repeated", subject: $0, detail: "asked again", at: now) },
                                        on: db, chains: chains)
        }
    }

    /// Extends the claims `worker` holds (the deliveries it has in flight) to `until`: a lease
    /// short enough for a dead worker's messages to be taken over soon, long enough for a slow partner.
    public func renewClaims(_ messageIds: [String], of worker: String, until: Date) async throws(GatewayError) {
        guard !messageIds.isEmpty else { return }
        try await run("renewing the claims of \(worker)") { db in
            try await db.raw("""
                UPDATE outbox SET claimed_until = \(bind: StoreTime.milliseconds(until))
                WHERE state = \(state: .delivering) AND claimed_by = \(bind: worker) AND message_id IN \(Self.list(messageIds))
                """).run()
        }
    }

    /// Gives back the claims a worker still holds when it stops: its messages are delivered
    /// again at once by any instance rather than when their lease runs out. Partners recognise
    /// the repeated bytes by their idempotency key.
    public func releaseClaims(of worker: String) async throws(GatewayError) {
        try await run("releasing the claims of \(worker)") { db in
            try await db.raw("""
                UPDATE outbox SET state = \(state: .pending), claimed_by = NULL, claimed_until = NULL
                WHERE state = \(state: .delivering) AND claimed_by = \(bind: worker)
                """).run()
        }
    }

    /// Puts a dead-lettered (or finally failed) message back in the queue, due now.
    public func replay(_ messageId: String, at now: Date) async throws(GatewayError) {
        let chains = self.chains
        try await run("replaying \(messageId)") { db in
            guard let row = try await db.raw("SELECT state FROM outbox WHERE message_id = \(bind: messageId)").first() else {
                throw GatewayError(.notFound, "No outbound message \(messageId) is in the outbox.")
            }
            let state = try row.decode(column: "state", as: String.self)
            guard state == OutboxState.dead.rawValue || state == OutboxState.failed.rawValue else {
                throw GatewayError(ErrorCode("NOT_REPLAYABLE", httpStatus: 409),
                                   "Message \(messageId) is \(state), not dead-lettered or failed: only those can be replayed.")
            }
            let time = StoreTime.milliseconds(now)
            try await db.raw("""
                UPDATE outbox SET state = \(state: .pending), next_attempt_at = \(bind: time), updated_at = \(bind: time) WHERE message_id = \(bind: messageId)
                """).run()
            try await db.raw("UPDATE messages SET status = \(status: .pending) WHERE id = \(bind: messageId)").run()
            try await AuditChain.append(kind: "delivery.replayed", subject: messageId, detail: "was \(state)", at: now, on: db, chains: chains)
        }
    }

    /// How many messages wait for delivery or are being delivered.
    public func undelivered() async throws(GatewayError) -> Int {
        try await read("counting the outbox") { db in
            try await db.raw("SELECT COUNT(*) AS n FROM outbox WHERE state IN \(states: [.pending, .delivering])").first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    public func outboxState(of messageId: String) async throws(GatewayError) -> OutboxState? {
        try await read("reading the outbox") { db in
            try await db.raw("SELECT state FROM outbox WHERE message_id = \(bind: messageId)").first()
                .flatMap { OutboxState(rawValue: try $0.decode(column: "state", as: String.self)) }
        }
    }

    public func attempts(of messageId: String) async throws(GatewayError) -> [DeliveryAttempt] {
        try await read("reading the attempts of \(messageId)") { db in
            try await db.raw("SELECT * FROM delivery_attempts WHERE message_id = \(bind: messageId) ORDER BY attempt, id").all().map { row in
                DeliveryAttempt(
                    attempt: try row.decode(column: "attempt", as: Int.self),
                    startedAt: StoreTime.date(try row.decode(column: "started_at", as: Int64.self)),
                    durationMilliseconds: try row.decode(column: "duration_ms", as: Int64.self),
                    httpStatus: try row.decode(column: "http_status", as: Int?.self),
                    outcome: try row.decode(column: "outcome", as: String.self),
                    error: try row.decode(column: "error", as: String?.self))
            }
        }
    }
}
