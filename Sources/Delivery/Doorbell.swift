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

    /// Returns when rung, after `interval`, or when the task is cancelled. A timer of an earlier
    /// wait may end a later one early: the lane then just looks for work once more.
    func wait(upTo interval: Duration) async {
        let timer = Task {
            try? await Task.sleep(for: interval)
            self.ring()
        }
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
        timer.cancel()
    }
}
