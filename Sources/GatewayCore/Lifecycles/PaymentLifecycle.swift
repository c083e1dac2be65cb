/// World §3 flow 2 as pure functions: a tax notice from customs kept open, and each bank payment
/// matched against it with the world's checks in the world's order — the first that fails decides.
public enum PaymentLifecycle {
    /// Step 1: a tax notice is OPEN; a number received before (under another messageId) is
    /// `DUPLICATE_TAX_NOTICE`.
    public static func notice(_ notice: TaxNotice, known: Bool) throws(GatewayError) -> CaseTransition<TaxNoticeFacts> {
        guard !known else {
            throw GatewayError(ErrorCode(rawValue: "DUPLICATE_TAX_NOTICE"), "Tax notice \(notice.taxNoticeNumber) was already received under another messageId.",
                               path: "taxNoticeNumber")
        }
        return CaseTransition(status: .open, facts: TaxNoticeFacts(notice: notice), entries: [
            TimelineEntry("received", .open, "declaration \(notice.declarationNumber), \(notice.amountDue.json) \(notice.currency) due \(notice.dueDate)"),
        ])
    }

    /// Step 4: a new payment against the notice it quotes (nil when customs sent none): the
    /// payment's case, ACCEPTED (matched) or REJECTED with the first failed check, and the
    /// notice's case SETTLED when it matched.
    public static func match(_ payment: Payment, bank: String, notice: TaxNoticeFacts?)
        -> (payment: CaseTransition<PaymentFacts>, notice: CaseTransition<TaxNoticeFacts>?) {
        let verdict = verdict(for: payment, notice: notice)
        let facts = PaymentFacts(bank: bank, taxNoticeNumber: payment.taxNoticeNumber, declarationNumber: payment.declarationNumber,
                                 taxpayerTaxCode: payment.taxpayerTaxCode, amount: payment.amount, currency: payment.currency,
                                 paidAt: payment.paidAt, verdict: verdict.status, reasonCode: verdict.code, reasonText: verdict.text)
        guard verdict.status == .accepted, var settled = notice else {
            let detail = verdict.code.map { "\($0): \(verdict.text ?? "")" } ?? "tax notice \(payment.taxNoticeNumber)"
            return (CaseTransition(status: .rejected, facts: facts, entries: [TimelineEntry("rejected", .rejected, detail)]), nil)
        }
        settled.settledBy = payment.transactionRef
        return (CaseTransition(status: .accepted, facts: facts, entries: [TimelineEntry("matched", .accepted, "tax notice \(payment.taxNoticeNumber)")]),
                CaseTransition(status: .settled, facts: settled, entries: [TimelineEntry("settled", .settled, "by \(payment.transactionRef)")]))
    }

    private static func verdict(for payment: Payment, notice facts: TaxNoticeFacts?) -> Verdict {
        guard let notice = facts?.notice, notice.declarationNumber == payment.declarationNumber else {
            return Verdict(.rejected, code: "UNKNOWN_DECLARATION",
                           text: "No open tax notice \(payment.taxNoticeNumber) for declaration \(payment.declarationNumber).")
        }
        guard notice.taxpayerTaxCode == payment.taxpayerTaxCode else {
            return Verdict(.rejected, code: "TAXPAYER_MISMATCH",
                           text: "Tax notice \(notice.taxNoticeNumber) belongs to tax code \(notice.taxpayerTaxCode), not \(payment.taxpayerTaxCode).")
        }
        if let settledBy = facts?.settledBy {
            return Verdict(.rejected, code: "DUPLICATE",
                           text: "Tax notice \(notice.taxNoticeNumber) was already settled by transaction \(settledBy).")
        }
        guard notice.amountDue == payment.amount, notice.currency == payment.currency else {
            return Verdict(.rejected, code: "AMOUNT_MISMATCH",
                           text: "Paid amount \(payment.amount.json) \(payment.currency) differs from amount due \(notice.amountDue.json) \(notice.currency) on tax notice \(notice.taxNoticeNumber).")
        }
        return .accepted
    }
}
