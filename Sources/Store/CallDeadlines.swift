import Synchronization

/// The deadlines of the store calls in progress on PostgreSQL, checked by one task ten times a
/// second: setting and clearing one is a lock and a dictionary entry. An event-loop timer per
/// deadline woke a loop's thread to schedule it and again to cancel it, four times a call (5% of
/// a loaded gateway's CPU, `perf record --call-graph dwarf` of `bench load`); a deadline of
/// seconds does not need the loop's precision.
final class CallDeadlines: Sendable {
    static let tick: Duration = .milliseconds(100)

    private struct Entry {
        let due: ContinuousClock.Instant
        let expire: @Sendable () -> Void
    }

    private struct State {
        var next = 0
        var entries: [Int: Entry] = [:]
    }

    private let state = Mutex(State())

    /// `expire` runs once `duration` has passed, unless the deadline was cleared before.
    func set(in duration: Duration, _ expire: @escaping @Sendable () -> Void) -> Int {
        let due = ContinuousClock.now + duration
        return state.withLock { state in
            defer { state.next += 1 }
            state.entries[state.next] = Entry(due: due, expire: expire)
            return state.next
        }
    }

    func clear(_ deadline: Int) {
        _ = state.withLock { $0.entries.removeValue(forKey: deadline) }
    }

    /// Runs the actions of the deadlines passed, until cancelled.
    func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: Self.tick)
            let now = ContinuousClock.now
            let expired = state.withLock { state in
                let passed = state.entries.filter { $0.value.due <= now }
                for deadline in passed.keys { state.entries.removeValue(forKey: deadline) }
                return passed.values.map(\.expire)
            }
            for expire in expired { expire() }
        }
    }
}
