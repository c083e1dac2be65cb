import Synchronization

/// Wakes one waiting lane: a ring while nobody waits is kept for the next wait, so no wake-up
/// (a message accepted just before the lane went to sleep) is lost.
final class Doorbell: Sendable {
    private struct State {
        var rung = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    func ring() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.rung = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns when rung, or after `interval`.
    func wait(upTo interval: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let rung = self.state.withLock { state in
                        if state.rung {
                            state.rung = false
                            return true
                        }
                        state.waiter = continuation
                        return false
                    }
                    if rung { continuation.resume() }
                }
            }
            group.addTask { try? await Task.sleep(for: interval) }
            await group.next()
            group.cancelAll()
            // The timer ended the wait: the waiting continuation is resumed so the group can end.
            self.ring()
            await group.waitForAll()
            self.state.withLock { $0.rung = false }
        }
    }
}
