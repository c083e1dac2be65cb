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
