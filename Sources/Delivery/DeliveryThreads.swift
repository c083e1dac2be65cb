import Foundation
import Synchronization

/// Dedicated threads for blocking work (libcurl): jobs wait in a queue and the caller awaits
/// the result, so neither the event loops nor the cooperative pool ever block on the network.
public final class DeliveryThreads: Sendable {
    private struct State {
        var jobs: [@Sendable () -> Void] = []
        var stopped = false
    }

    private let state = Mutex(State())
    private let condition = NSCondition()

    public init(count: Int) {
        for index in 0..<max(count, 1) {
            let thread = Thread { [self] in work() }
            thread.name = "gateway-delivery-\(index)"
            thread.start()
        }
    }

    /// Runs `job` on one of the threads and returns its result.
    public func run<T: Sendable>(_ job: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            enqueue { continuation.resume(returning: job()) }
        }
    }

    public func stop() {
        condition.lock()
        state.withLock { $0.stopped = true }
        condition.broadcast()
        condition.unlock()
    }

    private func enqueue(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        state.withLock { $0.jobs.append(job) }
        condition.signal()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            var job: (@Sendable () -> Void)?
            while job == nil {
                let (next, stopped) = state.withLock { state -> ((@Sendable () -> Void)?, Bool) in
                    state.jobs.isEmpty ? (nil, state.stopped) : (state.jobs.removeFirst(), false)
                }
                if let next { job = next } else if stopped { condition.unlock(); return } else { condition.wait() }
            }
            condition.unlock()
            job?()
        }
    }
}
