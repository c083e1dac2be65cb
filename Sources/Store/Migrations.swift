import Foundation
import SQLKit

/// The store's schema, versioned in code: each migration runs once, in order, in a transaction
/// of its own, and `schema_migrations` records which have run. A new version appends a migration;
/// a migration that has run is never changed.
public enum Migrations {
    /// The schema versions this release brings a database to.
    public static var versions: [Int] { all.map(\.version) }

    struct Migration: Sendable {
        let version: Int
        let name: String
        let statements: @Sendable (SQLBackend) -> [String]

        init(version: Int, name: String, statements: @escaping @Sendable (SQLBackend) -> [String]) {
            self.version = version
            self.name = name
            self.statements = statements
        }

        /// A migration with nothing to do on SQLite (it still records its version there).
        init(version: Int, name: String, onPostgres statements: [String]) {
            self.init(version: version, name: name) { backend in backend.dialect == .postgres ? statements : [] }
        }
    }

    static let all: [Migration] = [
        Migration(version: 1, name: "messages, outbox, delivery attempts, cases, audit chain") { backend in
            [
                """
                CREATE TABLE messages (
                    id TEXT PRIMARY KEY,
                    direction TEXT NOT NULL,
                    partner TEXT NOT NULL,
                    message_type TEXT NOT NULL,
                    idempotency_key TEXT NOT NULL,
                    digest TEXT NOT NULL,
                    body \(backend.bytesType) NOT NULL,
                    content_type TEXT NOT NULL,
                    record TEXT,
                    business_key TEXT,
                    signer TEXT,
                    status TEXT NOT NULL,
                    receipt \(backend.bytesType),
                    caused_by TEXT,
                    created_at BIGINT NOT NULL,
                    UNIQUE (direction, partner, idempotency_key)
                )
                """,
                """
                CREATE TABLE outbox (
                    sequence \(backend.serialKey),
                    message_id TEXT NOT NULL UNIQUE REFERENCES messages (id),
                    partner TEXT NOT NULL,
                    business_key TEXT NOT NULL,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at BIGINT NOT NULL,
                    claimed_by TEXT,
                    claimed_until BIGINT,
                    last_error TEXT,
                    updated_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX outbox_due ON outbox (state, next_attempt_at)",
                "CREATE INDEX outbox_object ON outbox (partner, business_key, sequence)",
                """
                CREATE TABLE delivery_attempts (
                    id \(backend.serialKey),
                    message_id TEXT NOT NULL REFERENCES messages (id),
                    attempt INTEGER NOT NULL,
                    started_at BIGINT NOT NULL,
                    duration_ms BIGINT NOT NULL,
                    http_status INTEGER,
                    outcome TEXT NOT NULL,
                    error TEXT,
                    response \(backend.bytesType)
                )
                """,
                "CREATE INDEX delivery_attempts_message ON delivery_attempts (message_id, attempt)",
                """
                CREATE TABLE cases (
                    kind TEXT NOT NULL,
                    case_key TEXT NOT NULL,
                    status TEXT NOT NULL,
                    state TEXT,
                    updated_at BIGINT NOT NULL,
                    PRIMARY KEY (kind, case_key)
                )
                """,
                """
                CREATE TABLE case_events (
                    id \(backend.serialKey),
                    kind TEXT NOT NULL,
                    case_key TEXT NOT NULL,
                    at BIGINT NOT NULL,
                    event TEXT NOT NULL,
                    status TEXT NOT NULL,
                    partner TEXT NOT NULL,
                    message_id TEXT,
                    signer TEXT
                )
                """,
                "CREATE INDEX case_events_case ON case_events (kind, case_key, id)",
                """
                CREATE TABLE audit_events (
                    sequence BIGINT PRIMARY KEY,
                    at BIGINT NOT NULL,
                    kind TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    previous_hash TEXT NOT NULL,
                    hash TEXT NOT NULL
                )
                """,
                // The chain's last link, kept beside it so that removing rows from the end shows.
                "CREATE TABLE audit_head (id INTEGER PRIMARY KEY, sequence BIGINT NOT NULL, hash TEXT NOT NULL)",
            ]
        },
        Migration(version: 2, name: "indexes for business-object lookups and expired claims") { _ in
            [
                // The last message about an application or licence, found without reading every message body.
                "CREATE INDEX messages_object ON messages (business_key, message_type)",
                "CREATE INDEX outbox_claims ON outbox (state, claimed_until)",
            ]
        },
        Migration(version: 3, name: "the reason of a case event; outbound messages by their cause") { _ in
            [
                // A payment's rejection code and text, a certificate's refusal: what a timeline shows.
                "ALTER TABLE case_events ADD COLUMN detail TEXT",
                "CREATE INDEX messages_cause ON messages (caused_by)",
            ]
        },
        Migration(version: 4, name: "typed case state: facts, version for compare-and-set, the number a case is found by, validity end; counted items") { backend in
            caseState(backend)
        },
        Migration(version: 5, name: "several audit chains, so that instances append side by side") { backend in
            auditChains(backend)
        },
        Migration(version: 6, name: "indexes for the operators' message search and each partner's last delivery") { _ in
            [
                // The newest messages first, a page at a time, however many the store holds.
                "CREATE INDEX messages_recent ON messages (created_at, id)",
                "CREATE INDEX outbox_partner_state ON outbox (partner, state, updated_at)",
            ]
        },
        Migration(version: 7, name: "seals of the audit chains' heads, signed by the gateway") { _ in
            [
                """
                CREATE TABLE audit_seals (
                    chain INTEGER NOT NULL,
                    sequence BIGINT NOT NULL,
                    hash TEXT NOT NULL,
                    sealed_at BIGINT NOT NULL,
                    signature TEXT NOT NULL,
                    PRIMARY KEY (chain, sequence)
                )
                """,
            ]
        },
        Migration(version: 8, name: "RFC 3161 time-stamps of the audit seals, a batch at a time; audit events by subject, for evidence export") { _ in
            [
                // `seals` lists the batch's seals as `chain:sequence`: a seal two instances stamped
                // at once stays listed by both, and each batch can be recomputed alone.
                """
                CREATE TABLE audit_timestamps (
                    imprint TEXT PRIMARY KEY,
                    seals TEXT NOT NULL,
                    records BIGINT NOT NULL,
                    token TEXT NOT NULL,
                    authority TEXT NOT NULL,
                    stamped_at BIGINT NOT NULL
                )
                """,
                "ALTER TABLE audit_seals ADD COLUMN timestamp_imprint TEXT",
                "CREATE INDEX audit_seals_unstamped ON audit_seals (timestamp_imprint, sealed_at)",
                "CREATE INDEX audit_events_subject ON audit_events (subject)",
            ]
        },
        Migration(version: 9, name: "the audit chain's append as one call on PostgreSQL", onPostgres: [auditAppend]),
        // A claim walks the due messages (of one partner, or of all) in the order it takes them
        // and stops at its limit. Without these, PostgreSQL's planner, whose statistics lag behind
        // a growing backlog, read all of a partner's pending messages and sorted them at every
        // claim: 13 ms a claim with 650 waiting. SQLite's claims did not need them, and the index
        // more to update at each of a message's outbox changes cost it 0.1 ms of CPU a message.
        Migration(version: 10, name: "due messages in claim order, of all partners and of each, on PostgreSQL", onPostgres: [
            "DROP INDEX outbox_due",
            "CREATE INDEX outbox_due ON outbox (state, next_attempt_at, sequence)",
            "CREATE INDEX outbox_partner_due ON outbox (partner, state, next_attempt_at, sequence)",
        ]),
        Migration(version: 11, name: "a statement's writes checked where they run, on PostgreSQL", onPostgres: [require]),
        Migration(version: 12, name: "message bodies, records and case facts compressed with LZ4, on a PostgreSQL built with it",
                  onPostgres: [lz4]),
    ]

    /// PostgreSQL's own compression of values over 2 kB (pglz) was a twentieth of its CPU under
    /// load; LZ4 compresses several times faster. Values already stored stay as they are; a server
    /// before PostgreSQL 14, or one built without LZ4, keeps pglz. The statements are strings to
    /// `EXECUTE` so that a server without the syntax never parses them.
    private static let lz4 = """
        DO $body$
        BEGIN
            IF current_setting('server_version_num')::INTEGER >= 140000 THEN
                EXECUTE 'ALTER TABLE messages ALTER COLUMN body SET COMPRESSION lz4, ALTER COLUMN record SET COMPRESSION lz4, '
                    || 'ALTER COLUMN receipt SET COMPRESSION lz4';
                EXECUTE 'ALTER TABLE cases ALTER COLUMN state SET COMPRESSION lz4';
                EXECUTE 'ALTER TABLE delivery_attempts ALTER COLUMN response SET COMPRESSION lz4';
            END IF;
        EXCEPTION WHEN feature_not_supported THEN
            RAISE NOTICE 'This PostgreSQL has no LZ4: large values stay compressed with pglz.';
        END
        $body$
        """

    /// Fails the statement it is called in when `ok` is false, with `TransactionWrites.checkFailed`
    /// and `what` as its message: a transaction sent as one statement is rolled back whole.
    private static let require = """
        CREATE OR REPLACE FUNCTION gateway_require(ok BOOLEAN, what TEXT)
        RETURNS BOOLEAN LANGUAGE plpgsql AS $body$
        BEGIN
            IF NOT ok THEN
                RAISE EXCEPTION USING ERRCODE = '\(TransactionWrites.checkFailed)', MESSAGE = what;
            END IF;
            RETURN ok;
        END
        $body$
        """

    /// `AuditChain.link` in PL/pgSQL: each field as its length in bytes, `:`, the field, the six
    /// joined by `|`; SHA-256 of that, in lowercase hex.
    private static let auditAppend = """
        CREATE OR REPLACE FUNCTION gateway_audit_append(chain_id BIGINT, ats BIGINT[], kinds TEXT[], subjects TEXT[], details TEXT[])
        RETURNS VOID LANGUAGE plpgsql AS $body$
        DECLARE
            head_sequence BIGINT;
            previous TEXT;
            link TEXT;
        BEGIN
            SELECT sequence, hash INTO head_sequence, previous FROM audit_head WHERE id = chain_id FOR UPDATE;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'The head of audit chain % is missing: run gateway audit verify.', chain_id;
            END IF;
            FOR i IN 1 .. array_length(kinds, 1) LOOP
                head_sequence := head_sequence + 1;
                link := encode(sha256(convert_to(
                    octet_length(head_sequence::TEXT)::TEXT || ':' || head_sequence::TEXT || '|' ||
                    octet_length(ats[i]::TEXT)::TEXT || ':' || ats[i]::TEXT || '|' ||
                    octet_length(kinds[i])::TEXT || ':' || kinds[i] || '|' ||
                    octet_length(subjects[i])::TEXT || ':' || subjects[i] || '|' ||
                    octet_length(details[i])::TEXT || ':' || details[i] || '|' ||
                    octet_length(previous)::TEXT || ':' || previous, 'UTF8')), 'hex');
                INSERT INTO audit_events (chain, sequence, at, kind, subject, detail, previous_hash, hash)
                VALUES (chain_id, head_sequence, ats[i], kinds[i], subjects[i], details[i], previous, link);
                previous := link;
            END LOOP;
            UPDATE audit_head SET sequence = head_sequence, hash = previous WHERE id = chain_id;
        END
        $body$
        """

    /// The events so far stay chain 1 (its head is the one `audit_head` row there is).
    private static func auditChains(_ backend: SQLBackend) -> [String] {
        if backend.dialect == .postgres {
            return [
                "ALTER TABLE audit_events ADD COLUMN chain INTEGER NOT NULL DEFAULT 1",
                "ALTER TABLE audit_events DROP CONSTRAINT audit_events_pkey",
                "ALTER TABLE audit_events ADD PRIMARY KEY (chain, sequence)",
            ]
        }
        return [
            """
            CREATE TABLE audit_events_v5 (
                chain INTEGER NOT NULL DEFAULT 1,
                sequence BIGINT NOT NULL,
                at BIGINT NOT NULL,
                kind TEXT NOT NULL,
                subject TEXT NOT NULL,
                detail TEXT NOT NULL,
                previous_hash TEXT NOT NULL,
                hash TEXT NOT NULL,
                PRIMARY KEY (chain, sequence)
            )
            """,
            "INSERT INTO audit_events_v5 (chain, sequence, at, kind, subject, detail, previous_hash, hash) SELECT 1, sequence, at, kind, subject, detail, previous_hash, hash FROM audit_events",
            "DROP TABLE audit_events",
            "ALTER TABLE audit_events_v5 RENAME TO audit_events",
        ]
    }

    /// A case's facts and version; the other number it is found by (a licence's number, a tax
    /// notice's declaration); the validity end the expiry
    /// sweep looks up; a status that may be absent (an outbound certificate before its partner
    /// answered). SQLite cannot drop a NOT NULL, so its two tables are copied into new ones.
    private static func caseState(_ backend: SQLBackend) -> [String] {
        var statements: [String]
        if backend.dialect == .postgres {
            statements = [
                "ALTER TABLE cases ALTER COLUMN status DROP NOT NULL",
                "ALTER TABLE cases ADD COLUMN version BIGINT NOT NULL DEFAULT 0",
                "ALTER TABLE cases ADD COLUMN alias TEXT",
                "ALTER TABLE cases ADD COLUMN valid_until TEXT",
                "ALTER TABLE case_events ALTER COLUMN status DROP NOT NULL",
            ]
        } else {
            statements = [
                """
                CREATE TABLE cases_v4 (
                    kind TEXT NOT NULL,
                    case_key TEXT NOT NULL,
                    status TEXT,
                    state TEXT,
                    version BIGINT NOT NULL DEFAULT 0,
                    alias TEXT,
                    valid_until TEXT,
                    updated_at BIGINT NOT NULL,
                    PRIMARY KEY (kind, case_key)
                )
                """,
                "INSERT INTO cases_v4 (kind, case_key, status, state, updated_at) SELECT kind, case_key, status, state, updated_at FROM cases",
                "DROP TABLE cases",
                "ALTER TABLE cases_v4 RENAME TO cases",
                """
                CREATE TABLE case_events_v4 (
                    id \(backend.serialKey),
                    kind TEXT NOT NULL,
                    case_key TEXT NOT NULL,
                    at BIGINT NOT NULL,
                    event TEXT NOT NULL,
                    status TEXT,
                    partner TEXT NOT NULL,
                    message_id TEXT,
                    signer TEXT,
                    detail TEXT
                )
                """,
                """
                INSERT INTO case_events_v4 (id, kind, case_key, at, event, status, partner, message_id, signer, detail)
                SELECT id, kind, case_key, at, event, status, partner, message_id, signer, detail FROM case_events
                """,
                "DROP TABLE case_events",
                "ALTER TABLE case_events_v4 RENAME TO case_events",
                "CREATE INDEX case_events_case ON case_events (kind, case_key, id)",
            ]
        }
        statements += [
            // A permit case is found by its own number, refused permits too.
            "UPDATE cases SET alias = case_key WHERE kind = 'permit'",
            "CREATE INDEX cases_alias ON cases (alias, kind)",
            "CREATE INDEX cases_validity ON cases (valid_until)",
            """
            CREATE TABLE case_items (
                kind TEXT NOT NULL,
                case_key TEXT NOT NULL,
                item TEXT NOT NULL,
                PRIMARY KEY (kind, case_key, item)
            )
            """,
        ]
        return statements
    }

    /// A migration may build an index over a large table: it is not held to the one-call limit.
    static let limit: Duration = .seconds(3600)

    static func run(on backend: SQLBackend) async throws {
        for migration in all {
            try await backend.transaction(limit: limit, connectionWait: SQLBackend.startWait) { db in
                // Several gateway processes starting together on one PostgreSQL migrate one at a
                // time, the bookkeeping table's creation included (two CREATE TABLE IF NOT EXISTS
                // at once can both try to create it).
                if backend.dialect == .postgres { try await db.raw("SELECT pg_advisory_xact_lock(7301)").run() }
                try await db.raw("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)").run()
                let applied = try await db.raw("SELECT version FROM schema_migrations WHERE version = \(bind: migration.version)").first()
                guard applied == nil else { return }
                for statement in migration.statements(backend) { try await db.raw(SQLQueryString(statement)).run() }
                try await db.raw("""
                    INSERT INTO schema_migrations (version, name, applied_at)
                    VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: StoreTime.now()))
                    """).run()
            }
        }
    }
}

/// Times in the store: milliseconds since 1970 (UTC), the same integer in both dialects.
enum StoreTime {
    static func now() -> Int64 { milliseconds(Date()) }
    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }
}
