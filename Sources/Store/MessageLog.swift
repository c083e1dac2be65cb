import Foundation
import GatewayCore
import SQLKit

/// What became of an inbound message handed to the store.
public enum Acceptance: Sendable, Equatable {
    /// Stored for the first time, with everything it caused.
    case accepted(StoredMessage)
    /// The same sender, key and bytes were accepted before: the first one, with its receipt.
    case duplicate(StoredMessage)
    /// The same sender and key came before with other bytes: the first one.
    case conflict(StoredMessage)
}

extension GatewayStore {
    /// Stores an inbound message and everything it caused in one transaction: the outbound
    /// messages (queued for delivery), the cases' new states (each only if the case is still at
    /// the version the step read), the case events, and an audit event for each. An idempotency
    /// key already used by this partner stores nothing.
    public func accept(_ inbound: StoredMessage, producing outbound: [StoredMessage] = [],
                       events: [CaseEvent] = [], updates: [CaseUpdate] = [], items: [CaseItem] = []) async throws(GatewayError) -> Acceptance {
        let chains = self.chains
        let what = "storing message \(inbound.id)"
        let alone = Cases.writtenBlind(updates: updates, events: events)
        do {
            return try await backend.write(alone: alone) { db in
                // A retransmission racing its original waits here for the original's transaction
                // (the key is unique), then stores nothing, and what was sent with it is rolled back.
                let writes = TransactionWrites(on: db, chains: chains, alone: alone)
                try await writes.add("\(Self.insertion([inbound])) ON CONFLICT (direction, partner, idempotency_key) DO NOTHING RETURNING id",
                                     failing: KeyUsedBefore())
                var audit = [AuditChain.Event(kind: "message.received", subject: inbound.id,
                                              detail: "\(inbound.partner) \(inbound.messageType) \(inbound.idempotencyKey) sha256:\(inbound.digest)",
                                              at: inbound.createdAt)]
                audit += try await Outbox.queue(outbound, after: inbound.id, to: writes)
                audit += try await Cases.store(updates: updates, items: items, events: events, at: inbound.createdAt, to: writes, on: db)
                try await writes.finish(auditing: audit)
                return .accepted(inbound)
            }
        } catch is KeyUsedBefore {
            let first = try await read(what) { db in
                try await Self.message(direction: .inbound, partner: inbound.partner, key: inbound.idempotencyKey, on: db)
            }
            guard let first else {
                throw GatewayError(.internalError, "Message \(inbound.id) was neither stored nor found under its key \(inbound.idempotencyKey).")
            }
            return first.digest == inbound.digest ? .duplicate(first) : .conflict(first)
        } catch {
            throw StoreFailure.wrap(error, what)
        }
    }

    /// The sender's idempotency key is stored already: nothing of the message is.
    private struct KeyUsedBefore: Error {}

    /// A message from a verified sender that the gateway refused: nothing of it is stored (world
    /// §1.3) but this line of the audit chain, so an operator can tell what was refused and why.
    public func recordRefusal(partner: String, messageType: String?, idempotencyKey: String?, signer: String, digest: String,
                              code: String, at time: Date) async throws(GatewayError) {
        let chains = self.chains
        try await run("recording a refusal") { db in
            try await AuditChain.append(kind: "message.refused", subject: "\(partner)/\(idempotencyKey ?? "sha256:\(digest)")",
                                        detail: "\(code) \(messageType ?? "unread message") sha256:\(digest) signed by \(signer)",
                                        at: time, on: db, chains: chains)
        }
    }

    /// Records the receipt the gateway answered an accepted message with.
    public func setReceipt(_ receipt: [UInt8], of messageId: String) async throws(GatewayError) {
        try await run("storing the receipt of \(messageId)") { db in
            try await db.raw("UPDATE messages SET receipt = \(bind: Data(receipt)) WHERE id = \(bind: messageId)").run()
        }
    }

    public func message(_ id: String) async throws(GatewayError) -> StoredMessage? {
        try await read("reading message \(id)") { db in
            try await db.raw("SELECT * FROM messages WHERE id = \(bind: id)").first().map(Self.decode)
        }
    }

    /// Every message in the store, oldest first (for inspection and tests).
    public func messages(direction: MessageDirection? = nil) async throws(GatewayError) -> [StoredMessage] {
        try await read("listing messages") { db in
            let rows = if let direction {
                try await db.raw("SELECT * FROM messages WHERE direction = \(bind: direction.rawValue) ORDER BY created_at, id").all()
            } else {
                try await db.raw("SELECT * FROM messages ORDER BY created_at, id").all()
            }
            return try rows.map(Self.decode)
        }
    }

    static func message(direction: MessageDirection, partner: String, key: String, on db: any SQLDatabase) async throws -> StoredMessage? {
        try await db.raw("""
            SELECT * FROM messages WHERE direction = \(bind: direction.rawValue) AND partner = \(bind: partner) AND idempotency_key = \(bind: key)
            """).first().map(decode)
    }

    /// One INSERT of all `messages` (not empty).
    static func insertion(_ messages: [StoredMessage]) -> SQLQueryString {
        var insert = SQLQueryString("""
            INSERT INTO messages (id, direction, partner, message_type, idempotency_key, digest, body, content_type, record,
                                  business_key, signer, status, receipt, caused_by, created_at)
            VALUES\u{20}
            """)
        for (index, message) in messages.enumerated() {
            insert.appendInterpolation(unsafeRaw: index == 0 ? "" : ", ")
            insert.appendInterpolation("""
                (\(bind: message.id), \(bind: message.direction.rawValue), \(bind: message.partner), \(bind: message.messageType),
                 \(bind: message.idempotencyKey), \(bind: message.digest), \(bind: Data(message.body)), \(bind: message.contentType),
                 \(bind: message.record), \(bind: message.businessKey), \(bind: message.signer), \(bind: message.status.rawValue),
                 \(bind: message.receipt.map { Data($0) }), \(bind: message.causedBy), \(bind: StoreTime.milliseconds(message.createdAt)))
                """ as SQLQueryString)
        }
        return insert
    }

    /// A status the gateway does not write (a row edited by hand) is named in an error, not guessed.
    static func status(_ row: any SQLRow) throws -> MessageStatus {
        let text = try row.decode(column: "status", as: String.self)
        guard let status = MessageStatus(rawValue: text) else {
            throw GatewayError(.internalError, "A stored message has the status \(text), which the gateway does not write.")
        }
        return status
    }

    static func decode(_ row: any SQLRow) throws -> StoredMessage {
        StoredMessage(
            id: try row.decode(column: "id", as: String.self),
            direction: MessageDirection(rawValue: try row.decode(column: "direction", as: String.self)) ?? .inbound,
            partner: try row.decode(column: "partner", as: String.self),
            messageType: try row.decode(column: "message_type", as: String.self),
            idempotencyKey: try row.decode(column: "idempotency_key", as: String.self),
            digest: try row.decode(column: "digest", as: String.self),
            body: Array(try row.decode(column: "body", as: Data.self)),
            contentType: try row.decode(column: "content_type", as: String.self),
            record: try row.decode(column: "record", as: String?.self),
            businessKey: try row.decode(column: "business_key", as: String?.self),
            signer: try row.decode(column: "signer", as: String?.self),
            status: try status(row),
            receipt: try row.decode(column: "receipt", as: Data?.self).map { Array($0) },
            causedBy: try row.decode(column: "caused_by", as: String?.self),
            createdAt: StoreTime.date(try row.decode(column: "created_at", as: Int64.self))
        )
    }
}

/// An outbound message as a later step needs it: where its delivery stands and what it was
/// made from, without its bytes.
public struct SentMessage: Sendable, Equatable {
    public let id: String
    public let state: OutboxState
    /// The spec key and canonical record of the inbound message it was produced from.
    public let causeType: String?
    public let causeRecord: String?
}

extension GatewayStore {
    /// The newest outbound message of some types about a business object (the application behind
    /// a decision), with the record it was made from: one lookup that reads no message bodies.
    public func latestSent(types: [String], businessKey: String) async throws(GatewayError) -> SentMessage? {
        guard !types.isEmpty else { return nil }
        return try await read("looking up the last \(types.joined(separator: ", ")) of \(businessKey)") { db in
            guard let row = try await db.raw("""
                SELECT m.id, o.state, c.message_type AS cause_type, c.record AS cause_record
                FROM messages m JOIN outbox o ON o.message_id = m.id LEFT JOIN messages c ON c.id = m.caused_by
                WHERE m.direction = \(direction: .outbound) AND m.message_type IN \(Self.list(types)) AND m.business_key = \(bind: businessKey)
                ORDER BY o.sequence DESC LIMIT 1
                """).first() else { return nil }
            return SentMessage(id: try row.decode(column: "id", as: String.self),
                               state: OutboxState(rawValue: try row.decode(column: "state", as: String.self)) ?? .pending,
                               causeType: try row.decode(column: "cause_type", as: String?.self),
                               causeRecord: try row.decode(column: "cause_record", as: String?.self))
        }
    }
}

extension GatewayStore {
    /// Every message of a type about a business object, oldest first (the usages of a licence).
    public func messages(_ direction: MessageDirection, type: String, businessKey: String) async throws(GatewayError) -> [StoredMessage] {
        try await read("reading the \(type) of \(businessKey)") { db in
            try await db.raw("""
                SELECT * FROM messages
                WHERE direction = \(bind: direction.rawValue) AND message_type = \(bind: type) AND business_key = \(bind: businessKey)
                ORDER BY created_at, id
                """).all().map(Self.decode)
        }
    }

    /// The newest inbound message of some types about a business object (the tax notice a payment quotes).
    public func latestInbound(types: [String], businessKey: String) async throws(GatewayError) -> StoredMessage? {
        guard !types.isEmpty else { return nil }
        return try await read("looking up the last \(types.joined(separator: ", ")) of \(businessKey)") { db in
            try await db.raw("""
                SELECT * FROM messages
                WHERE direction = \(direction: .inbound) AND message_type IN \(Self.list(types)) AND business_key = \(bind: businessKey)
                ORDER BY created_at DESC LIMIT 1
                """).first().map(Self.decode)
        }
    }

    /// The outbound messages an inbound message caused, oldest first.
    public func produced(by inboundId: String) async throws(GatewayError) -> [StoredMessage] {
        try await read("reading what \(inboundId) caused") { db in
            try await db.raw("SELECT * FROM messages WHERE caused_by = \(bind: inboundId) ORDER BY created_at, id").all().map(Self.decode)
        }
    }

    /// Whether a partner sent or was sent a message about one of these business objects
    /// (`application/IA-2025-000418`): what makes it party to their cases.
    public func exchanged(partner: String, about businessKeys: [String]) async throws(GatewayError) -> Bool {
        guard !businessKeys.isEmpty else { return false }
        return try await read("looking up \(partner)'s messages about \(businessKeys.joined(separator: ", "))") { db in
            try await db.raw("""
                SELECT 1 AS found FROM messages WHERE partner = \(bind: partner) AND business_key IN \(Self.list(businessKeys)) LIMIT 1
                """).first() != nil
        }
    }

    /// The inbound message a partner sent under an idempotency key, if any.
    public func inbound(partner: String, idempotencyKey: String) async throws(GatewayError) -> StoredMessage? {
        try await read("looking up \(partner) \(idempotencyKey)") { db in
            try await Self.message(direction: .inbound, partner: partner, key: idempotencyKey, on: db)
        }
    }
}
