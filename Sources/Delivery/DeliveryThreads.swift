import Foundation

/// Dedicated threads for blocking work (libcurl): jobs wait in a queue and the caller awaits
/// the result, so neither the event loops nor the cooperative pool ever block on the network.
public final class DeliveryThreads: @unchecked Sendable {
    // Guarded by `condition`, which also wakes the threads when a job arrives.
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var stopped = false

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
            condition.lock()
            jobs.append { continuation.resume(returning: job()) }
            condition.signal()
            condition.unlock()
        }
    }

    /// Lets the threads end once the queued jobs are done.
    public func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopped { condition.wait() }
            guard !jobs.isEmpty else {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}
