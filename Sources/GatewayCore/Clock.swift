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

/// A test environment's clock: it starts at a chosen time and runs forward with the system
/// clock from there, so a replay of exchanges dated in the past (the world's 2025 examples)
/// sees signatures valid, licences expire and timestamps advance as they did then.
public struct SimulatedClock: GatewayClock {
    public let start: Date
    private let began: ContinuousClock.Instant

    public init(startingAt start: Date) {
        self.start = start
        began = ContinuousClock.now
    }

    /// A clock started at an ISO 8601 time such as `2025-03-12T09:00:00+07:00`; nil if it is not one.
    public init?(startingAt text: String) {
        guard let date = FixedClock(text)?.date else { return nil }
        self.init(startingAt: date)
    }

    public func now() -> Date {
        let elapsed = (ContinuousClock.now - began).components
        return start.addingTimeInterval(Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18)
    }
}

/// Timestamps as the NSW writes them: RFC 3339 in Viet Nam time (`+07:00`), whole seconds.
public enum VietnamTime {
    public static let offset = TimeZone(secondsFromGMT: 7 * 3600) ?? .gmt

    /// `2025-03-12T14:22:35+07:00`. Computed directly: Foundation's ISO 8601 formatter builds an
    /// ICU formatter per call, a tenth of a millisecond on every message the gateway writes.
    public static func timestamp(_ date: Date) -> String {
        let local = Int(date.timeIntervalSince1970.rounded(.down)) + 7 * 3600
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let seconds = local - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2))+07:00"
    }

    /// The calendar date in Viet Nam at `date` (world §1.1: dates are Viet Nam dates).
    public static func date(_ date: Date) -> String {
        String(timestamp(date).prefix(10))
    }

    /// Year, month and day of a day count from 1970-01-01 (H. Hinnant's civil_from_days).
    private static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

/// Where new message ids come from: random lowercase UUIDs in service (world §2), fixed ones in tests.
public protocol MessageIdSource: Sendable {
    func next() -> String
}

public struct RandomMessageIds: MessageIdSource {
    public init() {}
    public func next() -> String { Self.uuid() }

    /// A random (version 4) UUID in lowercase. Foundation's `UUID()` opens /dev/urandom for each
    /// one; the system generator asks the kernel once (getrandom). The text is written straight
    /// into the string: appending its characters one by one was a hundredth of translating a
    /// licence decision.
    static func uuid() -> String {
        var generator = SystemRandomNumberGenerator()
        // The version (4) in the high nibble of byte 6, the variant (10) in the top bits of byte 8.
        let high = (generator.next() as UInt64) & ~0xF000 | 0x4000
        let low = (generator.next() as UInt64) & ~(0xC0 << 56) | (0x80 << 56)
        return withUnsafeBytes(of: (high.bigEndian, low.bigEndian)) { bytes in
            String(unsafeUninitializedCapacity: 36) { text in
                var next = 0
                for (index, byte) in bytes.enumerated() {
                    // 8-4-4-4-12 digits: a dash before bytes 4, 6, 8 and 10.
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        text[next] = UInt8(ascii: "-")
                        next += 1
                    }
                    text[next] = Hex.digit(byte >> 4)
                    text[next + 1] = Hex.digit(byte & 0x0F)
                    next += 2
                }
                return next
            }
        }
    }
}

/// Hands out the given ids in order, then random ones.
public final class FixedMessageIds: MessageIdSource {
    private let remaining: Mutex<[String]>

    public init(_ ids: [String]) {
        remaining = Mutex(ids)
    }

    public func next() -> String {
        remaining.withLock { $0.isEmpty ? RandomMessageIds.uuid() : $0.removeFirst() }
    }
}
