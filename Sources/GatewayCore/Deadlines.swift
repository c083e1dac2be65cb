import Synchronization

/// Deadlines of seconds (a store call's, a request's), checked ten times a second by one task
/// that runs while any deadline is set: setting and clearing one is a lock and a dictionary
/// entry. A timer per deadline (an event-loop timer, a sleeping task) woke a thread to arm it and
/// again to cancel it: 5% of a loaded gateway's CPU for the store calls' timers, 2% for the
/// requests' (`perf record` of `bench load`). A deadline of seconds does not need a timer's precision.
public final class Deadlines: Sendable {
    public static let tick: Duration = .milliseconds(100)

    private struct Entry {
        let due: ContinuousClock.Instant
        let expire: @Sendable () -> Void
    }

    private struct State {
        var next = 0
        var entries: [Int: Entry] = [:]
        var checking = false
    }

    private let state = Mutex(State())

    public init() {}

    /// `expire` runs once `duration` has passed (within a tick), unless the deadline was cleared before.
    public func set(in duration: Duration, _ expire: @escaping @Sendable () -> Void) -> Int {
        let due = ContinuousClock.now + duration
        let (deadline, start) = state.withLock { state in
            defer { state.next += 1 }
            state.entries[state.next] = Entry(due: due, expire: expire)
            let start = !state.checking
            state.checking = true
            return (state.next, start)
        }
        if start { Task.detached { await self.check() } }
        return deadline
    }

    public func clear(_ deadline: Int) {
        _ = state.withLock { $0.entries.removeValue(forKey: deadline) }
    }

    /// Runs the actions of the deadlines passed, until none is left.
    private func check() async {
        while true {
            try? await Task.sleep(for: Self.tick)
            let now = ContinuousClock.now
            let (expired, done) = state.withLock { state in
                let passed = state.entries.filter { $0.value.due <= now }
                for deadline in passed.keys { state.entries.removeValue(forKey: deadline) }
                if state.entries.isEmpty { state.checking = false }
                return (passed.values.map(\.expire), !state.checking)
            }
            for expire in expired { expire() }
            if done { return }
        }
    }
}
