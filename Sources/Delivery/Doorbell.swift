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

    /// Returns when rung (by a sender or by `ticking`) or when the task is cancelled.
    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let rung = state.withLock { state in
                    if state.rung {
                        state.rung = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if rung { continuation.resume() }
            }
        } onCancel: {
            ring()
        }
    }

    /// Rings every `interval` until the task is cancelled, so that a waiting lane also looks for
    /// work that came due by itself (a retry's time, a dead worker's lease): one timer per lane,
    /// not one per wait.
    func ticking(every interval: Duration) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            ring()
        }
    }
}
