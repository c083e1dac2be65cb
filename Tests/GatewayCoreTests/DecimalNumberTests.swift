import Foundation
import GatewayCore
import Testing

@Suite struct DecimalNumberTests {
    @Test(arguments: [
        ("1200", "1200"), ("64800.00", "64800"), ("+007.50", "7.5"), (".5", "0.5"), ("-12.5", "-12.5"), ("1e3", "1000"),
        ("1.2E-2", "0.012"), ("-0.0", "0"), ("17250000000", "17250000000"), ("9999999999999999999", "9999999999999999999"),
        ("12345678901234567890123.25", "12345678901234567890123.25"), ("0.000001", "0.000001"),
    ])
    func partnersNumbersKeepTheirTextAndValue(text: String, json: String) throws {
        let number = try #require(DecimalNumber(text))
        #expect(number.lexical == text)
        #expect(number.json == json)
        #expect(number.value == Decimal(string: json))
    }

    @Test(arguments: ["", "-", ".", "1.2.3", "12a", "1e", "0x10", "1,5", " 1"])
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
