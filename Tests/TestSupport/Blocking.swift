import Foundation

/// Blocking work of a test (a child process to wait for, curl, pg_ctl) on a thread of its own:
/// tests run in parallel on a cooperative pool of as many threads as cores (2 here), and one
/// blocked there stalls every other test's tasks, the gateways under test included.
public enum Blocking {
    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try work() })
            }
        }
    }

    public static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: work()) }
        }
    }
}
