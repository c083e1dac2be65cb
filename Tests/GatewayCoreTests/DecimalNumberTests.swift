import Foundation
import GatewayCore
import Testing

@Suite struct DecimalNumberTests {
    @Test(arguments: [
        ("1200", "1200"), ("64800.00", "64800"), ("+007.50", "7.5"), (".5", "0.5"), ("-12.5", "-12.5"), ("1e3", "1000"),
        ("1.2E-2", "0.012"), ("-0.0", "0"), ("17250000000", "17250000000"), ("9999999999999999999", "9999999999999999999"),
        ("12345678901234567890123.25", "12345678901234567890123.25"), ("0.000001", "0.000001"),
        ("100.50", "100.5"), ("1e+5", "100000"), ("-0.0050", "-0.005"), ("000.000", "0"), ("1" + String(repeating: "0", count: 40), "1" + String(repeating: "0", count: 40)),
    ])
    func partnersNumbersKeepTheirTextAndValue(text: String, json: String) throws {
        let number = try #require(DecimalNumber(text))
        #expect(number.lexical == text)
        #expect(number.json == json)
        #expect(number.value == Decimal(string: json))
    }

    /// A Decimal keeps 38 significant digits and an exponent below 1000: beyond, a number is refused, not rounded.
    @Test(arguments: ["", "-", ".", "1.2.3", "12a", "1e", "0x10", "1,5", " 1", "1e1000", "1" + String(repeating: "1", count: 38)])
    func anythingElseIsNotANumber(text: String) {
        #expect(DecimalNumber(text) == nil)
    }

    @Test func comparesByValueNotByText() throws {
        #expect(try #require(DecimalNumber("1200.0")) == DecimalNumber(1200))
        #expect(try #require(DecimalNumber("450")) < #require(DecimalNumber("1200")))
        #expect(try #require(DecimalNumber("1.50")).fractionDigits == 1)
        #expect(try #require(DecimalNumber("17250000000.5")).isInteger == false)
    }
}

extension DecimalNumberTests {
    /// Whole or not, read off the text where it is plain and from the value where it has an
    /// exponent: the same answer as rounding the value.
    @Test(arguments: [
        ("1200", true), ("1200.000", true), ("+007.50", false), (".5", false), ("-12.0", true), ("-0.0", true), ("0", true),
        ("1e3", true), ("1.2E-2", false), ("1.25e1", false), ("1.5e1", true), ("17250000000.5", false), ("00.0001", false),
    ])
    func wholeNumbersAreToldFromTheirTextOrTheirValue(text: String, whole: Bool) throws {
        let number = try #require(DecimalNumber(text))
        #expect(number.isInteger == whole)
        var rounded = Decimal(), copy = number.value
        NSDecimalRound(&rounded, &copy, 0, .plain)
        #expect((rounded == number.value) == whole)
    }

    @Test(arguments: [0, 7, -42, 1_000_000, Int.max, Int.min])
    func anIntegerIsWrittenAsItsDigits(value: Int) {
        let number = DecimalNumber(value)
        #expect(number.lexical == String(value))
        #expect(number.json == String(value))
        #expect(number.value == Decimal(value))
        #expect(number.intValue == value)
    }
}

extension DecimalNumberTests {
    /// Numbers in plain notation are compared by their digits, the rest by their value: every
    /// pair of these gives the order and equality of their `Decimal` values.
    @Test func comparingByTheDigitsGivesTheValuesOrder() throws {
        let texts = ["0", "-0", "0.0", "-0.00", "00", ".5", "0.5", "-.5", "-0.50", "1", "01", "1.0", "1.00001", "1.1", "-1", "-1.1",
                     "9", "10", "10.0", "99.99", "100", "-100", "-99.99", "1200", "1200.00", "64800", "64800.5", "17250000000",
                     "17250000000.5", "12345678901234567890123.25", "12345678901234567890123.3", "+7.5", "7.5", "1e3", "1E3",
                     "1.2e-2", "0.012", "-1e3", "-1000"]
        let numbers = try texts.map { try #require(DecimalNumber($0)) }
        var pairs = 0
        for a in numbers {
            for b in numbers {
                #expect((a < b) == (a.value < b.value), "\(a.lexical) < \(b.lexical)")
                #expect((a == b) == (a.value == b.value), "\(a.lexical) == \(b.lexical)")
                pairs += 1
            }
        }
        #expect(pairs == texts.count * texts.count)
    }

    @Test(arguments: [("12", 12), ("-3", -3), ("+4", 4), ("0012", 12), ("1200.00", 1200), ("1e3", 1000), ("12.5", nil)] as [(String, Int?)])
    func wholeNumbersGiveTheirInt(text: String, integer: Int?) throws {
        #expect(try #require(DecimalNumber(text)).intValue == integer)
    }
}
