import Foundation
import Synchronization

/// Where the gateway's time comes from: the system clock in service, a fixed or stepping clock
/// in tests and replays, so that every generated time is deterministic when it must be.
public protocol GatewayClock: Sendable {
    func now() -> Date
}

public struct SystemClock: GatewayClock {
    public init() {}
    public func now() -> Date { Date() }
}

public struct FixedClock: GatewayClock {
    public let date: Date

    public init(_ date: Date) {
        self.date = date
    }

    /// A clock stopped at an ISO 8601 time such as `2025-03-12T14:22:35+07:00`; nil if it is not one.
    public init?(_ text: String) {
        guard let date = ISO8601DateFormatter().date(from: text) else { return nil }
        self.date = date
    }

    public func now() -> Date { date }
}

/// Timestamps as the NSW writes them: RFC 3339 in Viet Nam time (`+07:00`), whole seconds.
public enum VietnamTime {
    public static let offset = TimeZone(secondsFromGMT: 7 * 3600)!

    public static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = offset
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// The calendar date in Viet Nam at `date` (world §1.1: dates are Viet Nam dates).
    public static func date(_ date: Date) -> String {
        String(timestamp(date).prefix(10))
    }
}

/// Where new message ids come from: random lowercase UUIDs in service (world §2), fixed ones in tests.
public protocol MessageIdSource: Sendable {
    func next() -> String
}

public struct RandomMessageIds: MessageIdSource {
    public init() {}
    public func next() -> String { UUID().uuidString.lowercased() }
}

/// Hands out the given ids in order, then random ones.
public final class FixedMessageIds: MessageIdSource {
    private let remaining: Mutex<[String]>

    public init(_ ids: [String]) {
        remaining = Mutex(ids)
    }

    public func next() -> String {
        remaining.withLock { $0.isEmpty ? UUID().uuidString.lowercased() : $0.removeFirst() }
    }
}
