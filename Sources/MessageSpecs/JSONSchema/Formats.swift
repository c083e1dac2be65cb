/// The `format`s partner schemas assert: calendar dates and RFC 3339 date-times, checked for
/// real calendar values (no 30 February). Other formats are annotations, as the draft allows.
enum Formats {
    static func isValid(_ text: String, format: String) -> Bool {
        switch format {
        case "date": return isDate(Array(text.utf8)[...])
        case "date-time": return isDateTime(text)
        default: return true
        }
    }

    static func isDate(_ bytes: ArraySlice<UInt8>) -> Bool {
        let parts = bytes.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = number(parts[0]), let month = number(parts[1]), let day = number(parts[2]),
              (1...12).contains(month), day >= 1 else { return false }
        return day <= daysIn(month: month, year: year)
    }

    static func isDateTime(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let separator = bytes.firstIndex(where: { $0 == UInt8(ascii: "T") || $0 == UInt8(ascii: "t") }),
              isDate(bytes[..<separator]) else { return false }
        var time = bytes[(separator + 1)...]
        guard time.count >= 9 else { return false }
        let clock = time.prefix(8)
        guard clock[clock.startIndex + 2] == UInt8(ascii: ":"), clock[clock.startIndex + 5] == UInt8(ascii: ":"),
              let hour = number(clock.prefix(2)), let minute = number(clock.dropFirst(3).prefix(2)),
              let second = number(clock.dropFirst(6).prefix(2)),
              hour < 24, minute < 60, second < 60 else { return false }
        time = time.dropFirst(8)
        if time.first == UInt8(ascii: ".") {
            time = time.dropFirst()
            let fraction = time.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            guard !fraction.isEmpty else { return false }
            time = time.dropFirst(fraction.count)
        }
        if time.count == 1, time.first == UInt8(ascii: "Z") || time.first == UInt8(ascii: "z") { return true }
        guard time.count == 6, time.first == UInt8(ascii: "+") || time.first == UInt8(ascii: "-"),
              time[time.startIndex + 3] == UInt8(ascii: ":"),
              let offsetHour = number(time.dropFirst().prefix(2)), let offsetMinute = number(time.suffix(2)),
              offsetHour < 24, offsetMinute < 60 else { return false }
        return true
    }

    private static func number(_ digits: some Collection<UInt8>) -> Int? {
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
