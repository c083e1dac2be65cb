import Foundation
@testable import GatewayCore
import Testing

/// World §3 flow 2 on typed state alone: a tax notice kept open, each payment matched with the
/// world's checks in the world's order.
@Suite struct PaymentLifecycleTests {
    static let notice = TaxNotice(taxNoticeNumber: "TB-2025-00004512", declarationNumber: "106234567890", taxpayerTaxCode: "0105987654",
                                  taxpayerName: nil, amountDue: 3_412_500_000, currency: "VND", dueDate: "2025-03-20",
                                  issuedAt: "2025-03-12T10:00:00+07:00", taxLines: nil)

    static func payment(_ ref: String = "VCB1", declaration: String = "106234567890", taxCode: String = "0105987654",
                        amount: DecimalNumber = 3_412_500_000) -> Payment {
        Payment(bankCode: "VCB", transactionRef: ref, taxNoticeNumber: "TB-2025-00004512", declarationNumber: declaration,
                taxpayerTaxCode: taxCode, taxpayerName: nil, amount: amount, currency: "VND", paidAt: "2025-03-12T14:22:00+07:00",
                payerAccountMasked: nil, channel: "INTERNET", remittanceInfo: nil)
    }

    @Test func aNoticeIsOpenOnceAndASecondOneUnderItsNumberIsADuplicate() throws {
        let open = try PaymentLifecycle.notice(Self.notice, known: false)
        #expect(open.status == .open && open.facts?.notice == Self.notice && open.facts?.settledBy == nil)
        #expect(throws: GatewayError.self) { try PaymentLifecycle.notice(Self.notice, known: true) }
        do {
            _ = try PaymentLifecycle.notice(Self.notice, known: true)
        } catch {
            #expect(error.code.rawValue == "DUPLICATE_TAX_NOTICE" && error.details.map(\.path) == ["taxNoticeNumber"])
        }
    }

    @Test func paymentsAreMatchedInTheWorldsOrderOfChecks() throws {
        let open = try #require(try PaymentLifecycle.notice(Self.notice, known: false).facts)
        let (matched, settling) = PaymentLifecycle.match(Self.payment(), bank: "bank-vcb", notice: open)
        #expect(matched.status == .accepted && matched.facts?.verdict == .accepted && matched.entries.map(\.event) == ["matched"])
        #expect(settling?.status == .settled && settling?.entries.map(\.event) == ["settled"] && settling?.entries.first?.detail == "by VCB1")
        let settled = settling?.facts
        #expect(settled?.settledBy == "VCB1")
        let cases: [(String, Payment, TaxNoticeFacts?)] = [
            ("UNKNOWN_DECLARATION", Self.payment(), nil),
            ("UNKNOWN_DECLARATION", Self.payment(declaration: "106299990001", taxCode: "0000000000", amount: 1), open),
            ("TAXPAYER_MISMATCH", Self.payment(taxCode: "0000000000", amount: 1), open),
            ("DUPLICATE", Self.payment("VCB2", amount: 1), settled),
            ("AMOUNT_MISMATCH", Self.payment(amount: 3_412_050_000), open),
        ]
        for (code, payment, notice) in cases {
            let (refused, settled) = PaymentLifecycle.match(payment, bank: "bank-vcb", notice: notice)
            #expect(refused.status == .rejected && refused.facts?.verdict == .rejected && refused.facts?.reasonCode == code && settled == nil,
                    "\(code): \(refused)")
            #expect(refused.entries.first?.detail?.hasPrefix("\(code): ") == true)
        }
        let (duplicate, _) = PaymentLifecycle.match(Self.payment("VCB2"), bank: "bank-vcb", notice: settled)
        #expect(duplicate.facts?.reasonText == "Tax notice TB-2025-00004512 was already settled by transaction VCB1.")
    }
}
