import GatewayCore
import Synchronization

/// Answers within a deadline: the work goes on in its own task (what it stores stays stored),
/// but the caller gets `otherwise` when the deadline passes first. `otherwise` is made only then:
/// writing a refusal for every request that never needed it was 1% of the gateway's CPU.
enum RequestDeadline {
    private static let deadlines = Deadlines()

    static func answer<T: Sendable>(within timeout: Duration, otherwise: @escaping @autoclosure @Sendable () -> T, _ work: @escaping @Sendable () async -> T) async -> T {
        let decided = Mutex(false)
        return await withCheckedContinuation { continuation in
            let resume: @Sendable (T) -> Void = { value in
                if decided.withLock({ done in defer { done = true }; return !done }) { continuation.resume(returning: value) }
            }
            let deadline = deadlines.set(in: timeout) { resume(otherwise()) }
            Task {
                let value = await work()
                deadlines.clear(deadline)
                resume(value)
            }
        }
    }
}
