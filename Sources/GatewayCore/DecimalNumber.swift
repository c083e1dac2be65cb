import Foundation

/// A decimal number as partners write it: the exact text received (so a copy from XML to XML
/// keeps `64800.00`), its value for arithmetic and comparison, and the plain JSON form
/// (`64800`) that world §2 asks for when a decimal becomes a JSON number.
public struct DecimalNumber: Sendable, Hashable, Comparable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// The text as received, or as first produced.
    public let lexical: String
    /// The value, when the number was made from one; a number read from text works its value
    /// out only when asked: comparisons and JSON read the digits, and building a `Decimal` for
    /// every number read was a twentieth of reading a licence decision.
    private let decimal: Decimal?

    /// Its value for arithmetic.
    public var value: Decimal {
        if let decimal { return decimal }
        // The text was found to be a number when this was made, so it reads again.
        return DecimalNumber.parse(lexical) ?? .nan
    }

    /// Accepts JSON numbers (`-12.5`, `1e3`) and xs:decimal (`+007.50`, `.5`); nil for anything else.
    public init?(_ text: String) {
        guard DecimalNumber.scan(text) != nil else { return nil }
        lexical = text
        decimal = nil
    }

    public init(_ value: Decimal) {
        decimal = value
        lexical = DecimalNumber.plain(value)
    }

    public init(integerLiteral value: Int) {
        self.init(value)
    }

    /// An integer's plain form is its decimal digits: formatting the Decimal for them cost more
    /// than everything else a line number or a version takes. Its value, like a read number's, is
    /// worked out from the digits only when asked: a written line number never is.
    public init(_ value: Int) {
        decimal = nil
        lexical = String(value)
    }

    public var description: String { lexical }

    /// True when the value has no fractional part (`1200`, `1200.0`, `1.2e3`).
    public var isInteger: Bool {
        if let plain = Self.plainIsInteger(lexical) { return plain }
        var rounded = Decimal()
        var copy = value
        NSDecimalRound(&rounded, &copy, 0, .plain)
        return rounded == value
    }

    /// Read off plain notation (`-1200`, `1200.00`, `12.5`) without rounding a Decimal; nil for
    /// anything else (an exponent), which the Decimal then answers.
    private static func plainIsInteger(_ text: String) -> Bool? {
        var text = text
        return text.withUTF8 { plainIsInteger($0) }
    }

    private static func plainIsInteger(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        var seenPoint = false
        var fractionIsZero = true
        for index in bytes.indices {
            switch bytes[index] {
            case UInt8(ascii: "0"): continue
            case UInt8(ascii: "1")...UInt8(ascii: "9"): if seenPoint { fractionIsZero = false }
            case UInt8(ascii: "."): if seenPoint { return nil } else { seenPoint = true }
            case UInt8(ascii: "-"), UInt8(ascii: "+"): if index != 0 { return nil }
            default: return nil
            }
        }
        return fractionIsZero
    }

    public var intValue: Int? {
        // Line numbers, versions and counts are plain digits: read without an NSDecimalNumber.
        if lexical.utf8.count <= 18, let integer = Int(lexical) { return integer }
        return isInteger ? NSDecimalNumber(decimal: value).intValue : nil
    }

    /// Digits after the decimal point in the received text (`64800.00` has 2), as xs:fractionDigits counts them.
    public var fractionDigits: Int {
        let mantissa = lexical.lowercased().split(separator: "e", maxSplits: 1)[0]
        guard let point = mantissa.firstIndex(of: ".") else { return 0 }
        let fraction = mantissa[mantissa.index(after: point)...].reversed().drop { $0 == "0" }
        return fraction.count
    }

    /// The JSON number of the same value: plain notation, no trailing zeros after the point.
    public var json: String { DecimalNumber.isPlainJSON(lexical) ? lexical : DecimalNumber.plain(value) }

    /// Whether the text already is the JSON form (`-12.5`, `1200`): most received numbers are, and
    /// formatting a Decimal is slow. Read off the bytes in place: the generic slices of a
    /// `String.UTF8View` made this check alone a hundredth of writing a licence record.
    private static func isPlainJSON(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { isPlainJSON($0) }
    }

    private static func isPlainJSON(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let isDigit: (UInt8) -> Bool = { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        var index = bytes.first == UInt8(ascii: "-") ? 1 : 0
        let integerStart = index
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        let integerDigits = index - integerStart
        guard integerDigits > 0, integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else { return false }
        if index == bytes.count { return !(integerStart == 1 && integerDigits == 1 && bytes[integerStart] == UInt8(ascii: "0")) }
        guard bytes[index] == UInt8(ascii: "."), index + 1 < bytes.count, bytes[bytes.count - 1] != UInt8(ascii: "0") else { return false }
        index += 1
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        return index == bytes.count
    }

    /// The xs:decimal text: the received text when it already is plain notation, else the value's plain form.
    public var xml: String {
        let isPlain = lexical.utf8.allSatisfy {
            ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+")
        }
        return isPlain ? lexical : DecimalNumber.plain(value)
    }

    public static func == (lhs: DecimalNumber, rhs: DecimalNumber) -> Bool {
        if let order = PlainDecimal.order(lhs.lexical, rhs.lexical) { return order == 0 }
        return lhs.value == rhs.value
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(json) }

    public static func < (lhs: DecimalNumber, rhs: DecimalNumber) -> Bool {
        if let order = PlainDecimal.order(lhs.lexical, rhs.lexical) { return order < 0 }
        return lhs.value < rhs.value
    }

    public static func + (lhs: DecimalNumber, rhs: DecimalNumber) -> DecimalNumber { DecimalNumber(lhs.value + rhs.value) }
    public static func - (lhs: DecimalNumber, rhs: DecimalNumber) -> DecimalNumber { DecimalNumber(lhs.value - rhs.value) }

    /// Where a number's significant digits are, found without building anything.
    private struct Scan {
        var negative = false
        /// The power of ten of the last significant digit.
        var exponent = 0
        /// From the first non-zero digit to the last one, the point included when it is between.
        var digits: Range<Int> = 0..<0
        var count = 0
    }

    private static func scan(_ text: String) -> Scan? {
        var text = text
        return text.withUTF8 { scan($0) }
    }

    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> Scan? {
        guard !bytes.isEmpty else { return nil }
        var result = Scan()
        var index = 0
        if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            result.negative = bytes[0] == UInt8(ascii: "-")
            index = 1
        }
        var seenPoint = false
        var seenDigit = false
        // Zeros after the last non-zero digit: they carry no value unless another digit follows.
        var pendingZeros = 0
        var first: Int?
        var last = 0
        while index < bytes.count, bytes[index] != UInt8(ascii: "e"), bytes[index] != UInt8(ascii: "E") {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                guard !seenPoint else { return nil }
                seenPoint = true
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                seenDigit = true
                if seenPoint { result.exponent -= 1 }
                if byte == UInt8(ascii: "0") {
                    if first != nil { pendingZeros += 1 }
                } else {
                    if first == nil { first = index }
                    result.count += pendingZeros + 1
                    pendingZeros = 0
                    last = index
                }
            } else {
                return nil
            }
            index += 1
        }
        guard seenDigit else { return nil }
        result.exponent += pendingZeros
        if index < bytes.count {
            let power = UnsafeBufferPointer(rebasing: bytes[(index + 1)...])
            guard let power = Int(String(decoding: power, as: UTF8.self)), abs(power) < 1000 else { return nil }
            result.exponent += power
        }
        // Decimal keeps 38 significant digits.
        guard result.count <= 38 else { return nil }
        if let first { result.digits = first..<(last + 1) }
        return result
    }

    private static func parse(_ text: String) -> Decimal? {
        var text = text
        return text.withUTF8 { bytes -> Decimal? in
            guard let scan = scan(bytes) else { return nil }
            // Up to 19 digits fit a UInt64, which Decimal takes at once; Decimal arithmetic per digit is slow.
            var small: UInt64 = 0
            var large = Decimal(0)
            for index in scan.digits where bytes[index] != UInt8(ascii: ".") {
                let digit = bytes[index] - UInt8(ascii: "0")
                if scan.count <= 19 {
                    small = small * 10 + UInt64(digit)
                } else {
                    large = large * 10 + Decimal(Int(digit))
                }
            }
            let mantissa = scan.count <= 19 ? Decimal(small) : large
            guard !mantissa.isZero else { return Decimal(0) }
            return Decimal(sign: scan.negative ? .minus : .plus, exponent: scan.exponent, significand: mantissa)
        }
    }

    private static func plain(_ value: Decimal) -> String {
        // NSDecimalString never uses an exponent and never keeps trailing zeros.
        var copy = value
        return NSDecimalString(&copy, Locale(identifier: "en_US_POSIX"))
    }
}

extension DecimalNumber: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let number = DecimalNumber(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(text) is not a number")
        }
        self = number
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(lexical)
    }
}

/// Two numbers in plain notation (`-12.50`, `1200`, `.5`) compared by their digits. Foundation's
/// `Decimal` compares by widening both to variable-length integers, which was a twentieth of
/// translating a licence: every approved quantity is checked against the requested one, every
/// number against its schema's bounds.
enum PlainDecimal {
    /// -1, 0 or 1 as `lhs` is less than, equal to or greater than `rhs`; nil when either is not
    /// plain (an exponent, a `+`), which the `Decimal` then answers.
    static func order(_ lhs: String, _ rhs: String) -> Int? {
        var lhs = lhs, rhs = rhs
        return lhs.withUTF8 { left in rhs.withUTF8 { right in order(left, right) } }
    }

    private static func order(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let left = Parts(lhs), let right = Parts(rhs) else { return nil }
        if left.negative != right.negative { return left.negative ? -1 : 1 }
        let magnitude = compareMagnitude(left, lhs, right, rhs)
        return left.negative ? -magnitude : magnitude
    }

    /// Where the digits of a plain number are: the whole part without leading zeros, the
    /// fraction without trailing ones; zero is never negative.
    private struct Parts {
        let negative: Bool
        let whole: Range<Int>
        let fraction: Range<Int>

        init?(_ bytes: UnsafeBufferPointer<UInt8>) {
            var start = 0
            let negative = bytes.first == UInt8(ascii: "-")
            if negative { start = 1 }
            var point: Int?
            for index in start..<bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: ".") {
                    guard point == nil else { return nil }
                    point = index
                } else if byte < UInt8(ascii: "0") || byte > UInt8(ascii: "9") {
                    return nil
                }
            }
            var wholeStart = start
            let wholeEnd = point ?? bytes.count
            guard wholeEnd > start || (point.map { $0 + 1 < bytes.count } ?? false) else { return nil }
            while wholeStart < wholeEnd, bytes[wholeStart] == UInt8(ascii: "0") { wholeStart += 1 }
            let fractionStart = point.map { $0 + 1 } ?? bytes.count
            var fractionEnd = bytes.count
            while fractionEnd > fractionStart, bytes[fractionEnd - 1] == UInt8(ascii: "0") { fractionEnd -= 1 }
            whole = wholeStart..<wholeEnd
            fraction = fractionStart..<fractionEnd
            self.negative = negative && !(whole.isEmpty && fraction.isEmpty)
        }
    }

    private static func compareMagnitude(_ left: Parts, _ a: UnsafeBufferPointer<UInt8>, _ right: Parts, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        if left.whole.count != right.whole.count { return left.whole.count < right.whole.count ? -1 : 1 }
        for offset in 0..<left.whole.count {
            let x = a[left.whole.lowerBound + offset], y = b[right.whole.lowerBound + offset]
            if x != y { return x < y ? -1 : 1 }
        }
        for offset in 0..<min(left.fraction.count, right.fraction.count) {
            let x = a[left.fraction.lowerBound + offset], y = b[right.fraction.lowerBound + offset]
            if x != y { return x < y ? -1 : 1 }
        }
        // The longer fraction has a non-zero digit beyond the other's last.
        if left.fraction.count != right.fraction.count { return left.fraction.count < right.fraction.count ? -1 : 1 }
        return 0
    }
}
