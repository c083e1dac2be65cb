import Dispatch
import Synchronization

/// Runs an operation repeatedly for a while and reports its rate.
public struct Measurement: Sendable {
    public let name: String
    public let operations: Int
    public let seconds: Double

    public var operationsPerSecond: Double { Double(operations) / seconds }
    public var microsecondsPerOperation: Double { seconds * 1_000_000 / Double(operations) }

    public static func run(_ name: String, for duration: Double, _ operation: () throws -> Void) rethrows -> Measurement {
        for _ in 0..<10 { try operation() }
        let clock = ContinuousClock()
        let start = clock.now
        var operations = 0
        var elapsed = 0.0
        repeat {
            for _ in 0..<20 { try operation() }
            operations += 20
            elapsed = (clock.now - start).seconds
        } while elapsed < duration
        return Measurement(name: name, operations: operations, seconds: elapsed)
    }
}

extension Duration {
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}

extension Measurement {
    /// The same operation on `threads` threads at once, for the total rate; the first error stops it.
    static func runConcurrently(_ name: String, threads: Int, for duration: Double,
                                _ operation: @Sendable () throws -> Void) throws -> Measurement {
        let total = Atomic<Int>(0)
        let failure = Mutex<(any Error)?>(nil)
        let clock = ContinuousClock()
        let start = clock.now
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            do {
                var operations = 0
                repeat {
                    for _ in 0..<20 { try operation() }
                    operations += 20
                } while (clock.now - start).seconds < duration
                total.add(operations, ordering: .relaxed)
            } catch {
                failure.withLock { $0 = $0 ?? error }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        return Measurement(name: name, operations: total.load(ordering: .relaxed), seconds: (clock.now - start).seconds)
    }
}
