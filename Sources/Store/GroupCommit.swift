import SQLKit
import Synchronization

/// The SQLite writer's transactions, committed in groups. Transactions handed in while a group
/// is being committed wait, then run one after another in the next group: one transaction in
/// which each has a savepoint of its own, under one COMMIT. A commit writes every page it
/// changed to the WAL once, so transactions that change the same pages (the messages table and
/// its indexes, the outbox, the audit head) share that cost, and the writer is handed over once
/// per group instead of once per transaction. One that throws is rolled back to its savepoint
/// and leaves the others of its group be. Every caller returns only after its work is committed
/// (or with the error that kept it from being committed), as with a transaction of its own.
///
/// The group is committed by one of its members (the first to arrive), in its own task: each
/// caller does at most one group's work besides its own, so a steady stream of transactions
/// never keeps one caller committing for the others.
final class GroupCommit: Sendable {
    /// A bound on the group keeps the wait of its first member short.
    static let largestGroup = 64

    private let database: SQLiteFileDatabase
    private let state = Mutex(State())

    private struct State {
        var waiting: [any GroupMember] = []
        var committing = false
    }

    init(database: SQLiteFileDatabase) {
        self.database = database
    }

    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let member = Member(body: body)
        let role = await withCheckedContinuation { continuation in
            member.continuation = continuation
            let leads = state.withLock { state in
                state.waiting.append(member)
                defer { state.committing = true }
                return !state.committing
            }
            if leads { continuation.resume(returning: .lead) }
        }
        if role == .lead { await commitNextGroup() }
        return try member.outcome.get()
    }

    /// Commits the transactions waiting now (the leader's first), then hands the writer to the
    /// first of those that arrived meanwhile.
    private func commitNextGroup() async {
        let group = state.withLock { state in
            let group = Array(state.waiting.prefix(Self.largestGroup))
            state.waiting.removeFirst(group.count)
            return group
        }
        await commit(group)
        let next = state.withLock { state in
            if state.waiting.isEmpty { state.committing = false }
            return state.waiting.first
        }
        for member in group.dropFirst() { member.resume(.done) }
        next?.resume(.lead)
    }

    private func commit(_ group: [any GroupMember]) async {
        let alone = group.count == 1
        do {
            try await database.raw("BEGIN IMMEDIATE").run()
        } catch {
            for member in group { member.fail(error) }
            return
        }
        do {
            for member in group { try await member.run(on: database, inSavepoint: !alone) }
            try await database.raw("COMMIT").run()
        } catch {
            // A savepoint that could not be released or rolled back, or a failed commit: nothing
            // of the group is kept, and every member is told so.
            try? await database.raw("ROLLBACK").run()
            for member in group { member.fail(error) }
        }
    }
}

private enum GroupRole: Sendable { case lead, done }

private protocol GroupMember: AnyObject, Sendable {
    /// Runs the member's transaction; its own failure is kept as its outcome. Throws only when
    /// the group's transaction can no longer be trusted.
    func run(on database: SQLiteFileDatabase, inSavepoint: Bool) async throws
    func fail(_ error: any Error)
    func resume(_ role: GroupRole)
}

/// One transaction of a group. Its outcome is written by the group's leader before the member
/// is resumed, and read by the member after.
private final class Member<T: Sendable>: GroupMember, @unchecked Sendable {
    let body: @Sendable (any SQLDatabase) async throws -> T
    var continuation: CheckedContinuation<GroupRole, Never>?
    /// Nil until the transaction has run.
    private var result: Result<T, any Error>?

    init(body: @escaping @Sendable (any SQLDatabase) async throws -> T) {
        self.body = body
    }

    var outcome: Result<T, any Error> { result ?? .failure(CancellationError()) }

    func run(on database: SQLiteFileDatabase, inSavepoint: Bool) async throws {
        if inSavepoint { try await database.raw("SAVEPOINT grouped").run() }
        do {
            result = .success(try await body(database))
        } catch {
            result = .failure(error)
            guard inSavepoint else { throw error }
            try await database.raw("ROLLBACK TO grouped").run()
        }
        if inSavepoint { try await database.raw("RELEASE grouped").run() }
    }

    /// The group was not committed: a transaction that had succeeded, or not run, fails with
    /// the group's error; one that failed keeps its own.
    func fail(_ error: any Error) {
        if case .failure = result { return }
        result = .failure(error)
    }

    func resume(_ role: GroupRole) {
        continuation?.resume(returning: role)
    }
}
