import Foundation
import GatewayCore
import SQLKit

/// What an operator looks for among stored messages; every field left nil matches anything.
public struct MessageFilter: Sendable, Equatable {
    public var id: String?
    public var partner: String?
    /// A spec key (`moit/LicenceDecision`) or a type's name alone (`LicenceDecision`).
    public var messageType: String?
    public var direction: MessageDirection?
    public var status: MessageStatus?
    public var from: Date?
    public var until: Date?
    /// A business object as stored (`licence/00125/2025/GPNK-BCT`) or its number alone.
    public var businessKey: String?

    public init(id: String? = nil, partner: String? = nil, messageType: String? = nil, direction: MessageDirection? = nil,
                status: MessageStatus? = nil, from: Date? = nil, until: Date? = nil, businessKey: String? = nil) {
        self.id = id
        self.partner = partner
        self.messageType = messageType
        self.direction = direction
        self.status = status
        self.from = from
        self.until = until
        self.businessKey = businessKey
    }
}

/// A stored message as a list shows it: who, what, where it stands, without its bytes.
public struct MessageSummary: Sendable, Equatable {
    public let id: String
    public let direction: MessageDirection
    public let partner: String
    public let messageType: String
    public let idempotencyKey: String
    public let businessKey: String?
    public let status: MessageStatus
    public let size: Int
    public let createdAt: Date
    /// Delivery attempts so far, the last one's error and when the next is due (outbound).
    public let attempts: Int?
    public let lastError: String?
    public let nextAttemptAt: Date?
}

/// One page of a search, newest first, and where the next one starts (nil on the last page).
public struct MessagePage: Sendable, Equatable {
    public let messages: [MessageSummary]
    public let next: String?
}

/// What one replay of several dead letters came to.
public struct ReplayResult: Sendable, Equatable {
    public var replayed: [String] = []
    /// The ids that could not be replayed, each with why.
    public var refused: [(id: String, error: GatewayError)] = []

    public init() {}

    public static func == (lhs: ReplayResult, rhs: ReplayResult) -> Bool {
        lhs.replayed == rhs.replayed && lhs.refused.map(\.id) == rhs.refused.map(\.id)
    }
}

extension GatewayStore {
    /// Messages matching `filter`, newest first, `limit` at most; `after` is the `next` of the page before.
    /// The newest first walk follows the index on the time of arrival, so a page costs the
    /// same however many messages the store holds (a filter matching few of them excepted).
    public func search(_ filter: MessageFilter, limit: Int, after: String? = nil) async throws(GatewayError) -> MessagePage {
        let cursor = try after.map { (text: String) throws(GatewayError) -> (Int64, String) in try Self.cursor(text) }
        return try await read("searching messages") { db in
            var conditions: [SQLQueryString] = []
            if let id = filter.id { conditions.append("m.id = \(bind: id)") }
            if let partner = filter.partner { conditions.append("m.partner = \(bind: partner)") }
            if let type = filter.messageType {
                conditions.append(type.contains("/") ? "m.message_type = \(bind: type)" : "m.message_type LIKE \(bind: "%/" + Self.likeEscaped(type)) ESCAPE '\\'")
            }
            if let direction = filter.direction { conditions.append("m.direction = \(bind: direction.rawValue)") }
            // An outbound message being delivered is DELIVERING; the message log keeps its status
            // at PENDING until the attempt is recorded, so the claim writes one row, not two.
            let status: SQLQueryString = "CASE WHEN o.state = \(state: .delivering) THEN \(status: .delivering) ELSE m.status END"
            if let wanted = filter.status { conditions.append("\(status) = \(bind: wanted.rawValue)") }
            if let from = filter.from { conditions.append("m.created_at >= \(bind: StoreTime.milliseconds(from))") }
            if let until = filter.until { conditions.append("m.created_at < \(bind: StoreTime.milliseconds(until))") }
            if let key = filter.businessKey {
                conditions.append(key.contains("/") && !key.hasPrefix("/")
                    ? "(m.business_key = \(bind: key) OR m.business_key LIKE \(bind: "%/" + Self.likeEscaped(key)) ESCAPE '\\')"
                    : "m.business_key LIKE \(bind: "%/" + Self.likeEscaped(key)) ESCAPE '\\'")
            }
            if let (time, id) = cursor {
                conditions.append("(m.created_at < \(bind: time) OR (m.created_at = \(bind: time) AND m.id < \(bind: id)))")
            }
            var query = SQLQueryString("""
                SELECT m.id, m.direction, m.partner, m.message_type, m.idempotency_key, m.business_key, \(status) AS status, m.created_at,
                       LENGTH(m.body) AS size, o.attempts, o.last_error, o.next_attempt_at
                FROM messages m LEFT JOIN outbox o ON o.message_id = m.id
                """)
            for (index, condition) in conditions.enumerated() {
                query.appendInterpolation(unsafeRaw: index == 0 ? " WHERE " : " AND ")
                query.appendInterpolation(condition)
            }
            query.appendInterpolation(unsafeRaw: " ORDER BY m.created_at DESC, m.id DESC LIMIT \(limit + 1)")
            let rows = try await db.raw(query).all()
            let messages = try rows.prefix(limit).map(Self.summary)
            let next = rows.count > limit ? messages.last.map { "\(StoreTime.milliseconds($0.createdAt))~\($0.id)" } : nil
            return MessagePage(messages: messages, next: next)
        }
    }

    static func cursor(_ text: String) throws(GatewayError) -> (Int64, String) {
        let parts = text.split(separator: "~", maxSplits: 1)
        guard parts.count == 2, let time = Int64(parts[0]) else {
            throw GatewayError(.invalidQuery, "The page cursor \(text) is not one the gateway gave: use the `next` of the page before.", path: "after")
        }
        return (time, String(parts[1]))
    }

    static func likeEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

    static func summary(_ row: any SQLRow) throws -> MessageSummary {
        MessageSummary(
            id: try row.decode(column: "id", as: String.self),
            direction: MessageDirection(rawValue: try row.decode(column: "direction", as: String.self)) ?? .inbound,
            partner: try row.decode(column: "partner", as: String.self),
            messageType: try row.decode(column: "message_type", as: String.self),
            idempotencyKey: try row.decode(column: "idempotency_key", as: String.self),
            businessKey: try row.decode(column: "business_key", as: String?.self),
            status: try Self.status(row),
            size: try row.decode(column: "size", as: Int.self),
            createdAt: StoreTime.date(try row.decode(column: "created_at", as: Int64.self)),
            attempts: try row.decode(column: "attempts", as: Int?.self),
            lastError: try row.decode(column: "last_error", as: String?.self),
            nextAttemptAt: try row.decode(column: "next_attempt_at", as: Int64?.self).map(StoreTime.date))
    }
}

extension GatewayStore {
    /// Replays each of `messageIds` (dead-lettered or failed for good): those that cannot be
    /// replayed are named with why, the others go back in the queue.
    public func replay(_ messageIds: [String], at now: Date) async -> ReplayResult {
        var result = ReplayResult()
        for id in messageIds {
            do {
                try await replay(id, at: now)
                result.replayed.append(id)
            } catch {
                result.refused.append((id, error))
            }
        }
        return result
    }

    /// Puts every dead letter of `partner` back in the queue, in one transaction: what an operator
    /// does once the partner's endpoint works again. The ids replayed, oldest first.
    public func replayDeadLetters(of partner: String, at now: Date) async throws(GatewayError) -> [String] {
        let chains = self.chains
        return try await run("replaying the dead letters of \(partner)") { db in
            let time = StoreTime.milliseconds(now)
            let ids = try await db.raw("""
                SELECT message_id FROM outbox WHERE partner = \(bind: partner) AND state = \(state: .dead) ORDER BY sequence
                """).all().map { try $0.decode(column: "message_id", as: String.self) }
            guard !ids.isEmpty else { return [] }
            try await db.raw("""
                UPDATE outbox SET state = \(state: .pending), next_attempt_at = \(bind: time), updated_at = \(bind: time)
                WHERE partner = \(bind: partner) AND state = \(state: .dead)
                """).run()
            try await db.raw("UPDATE messages SET status = \(status: .pending) WHERE status = \(status: .dead) AND id IN \(Self.list(ids))").run()
            try await AuditChain.append(ids.map { AuditChain.Event(kind: "delivery.replayed", subject: $0, detail: "was dead", at: now) },
                                        on: db, chains: chains)
            return ids
        }
    }
}

/// Where one partner's deliveries stand, as an operator's health view and the alerts read it.
public struct DeliveryHealth: Sendable, Equatable {
    public let partner: String
    /// Messages waiting for delivery or being delivered.
    public var backlog = 0
    /// When the oldest of them was made.
    public var oldestPending: Date?
    public var deadLetters = 0
    public var failed = 0
    public var lastDelivered: Date?

    public init(partner: String) {
        self.partner = partner
    }
}

extension GatewayStore {
    /// Each partner's backlog, dead letters and last delivery; `partners` are listed even when
    /// nothing was ever sent to them. Reads the undelivered rows and one index entry per partner:
    /// the cost does not grow with the messages delivered.
    public func deliveryHealth(of partners: [String]) async throws(GatewayError) -> [DeliveryHealth] {
        try await read("reading the delivery health") { db in
            var health = Dictionary(uniqueKeysWithValues: partners.map { ($0, DeliveryHealth(partner: $0)) })
            let rows = try await db.raw("""
                SELECT o.partner, o.state, COUNT(*) AS n, MIN(m.created_at) AS oldest
                FROM outbox o JOIN messages m ON m.id = o.message_id
                WHERE o.state IN \(states: [.pending, .delivering, .dead, .failed]) GROUP BY o.partner, o.state
                """).all()
            for row in rows {
                let partner = try row.decode(column: "partner", as: String.self)
                let count = try row.decode(column: "n", as: Int.self)
                var entry = health[partner] ?? DeliveryHealth(partner: partner)
                switch OutboxState(rawValue: try row.decode(column: "state", as: String.self)) {
                case .dead: entry.deadLetters += count
                case .failed: entry.failed += count
                default:
                    entry.backlog += count
                    let oldest = StoreTime.date(try row.decode(column: "oldest", as: Int64.self))
                    entry.oldestPending = min(entry.oldestPending ?? oldest, oldest)
                }
                health[partner] = entry
            }
            for partner in health.keys {
                let last = try await db.raw("""
                    SELECT MAX(updated_at) AS at FROM outbox WHERE partner = \(bind: partner) AND state = \(state: .delivered)
                    """).first()?.decode(column: "at", as: Int64?.self)
                health[partner]?.lastDelivered = last.map(StoreTime.date)
            }
            return health.values.sorted { $0.partner < $1.partner }
        }
    }
}

/// A delivery attempt with the partner's answer, as a message's page shows it.
public struct AttemptAnswer: Sendable, Equatable {
    public let attempt: Int
    public let response: [UInt8]?
}

extension GatewayStore {
    /// The partner's answer to each attempt of an outbound message (the body it answered with).
    public func answers(of messageId: String) async throws(GatewayError) -> [AttemptAnswer] {
        try await read("reading the answers to \(messageId)") { db in
            try await db.raw("SELECT attempt, response FROM delivery_attempts WHERE message_id = \(bind: messageId) ORDER BY attempt, id").all().map { row in
                AttemptAnswer(attempt: try row.decode(column: "attempt", as: Int.self),
                              response: try row.decode(column: "response", as: Data?.self).map { Array($0) })
            }
        }
    }
}
