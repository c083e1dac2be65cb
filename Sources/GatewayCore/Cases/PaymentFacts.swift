/// What the hub knows of a tax notice: the notice customs sent, and the bank transaction that
/// settled it.
public struct TaxNoticeFacts: CaseFacts {
    public var notice: TaxNotice
    public var settledBy: String?

    public init(notice: TaxNotice, settledBy: String? = nil) {
        self.notice = notice
        self.settledBy = settledBy
    }
}

/// What the hub decided about one bank payment, kept to give the same answer when the bank
/// sends the payment again, and to show it.
public struct PaymentFacts: CaseFacts {
    public var bank: String
    public var taxNoticeNumber: String
    public var declarationNumber: String
    public var taxpayerTaxCode: String
    public var amount: DecimalNumber
    public var currency: String
    public var paidAt: String
    /// Accepted, or rejected with the reason code and text the bank was told.
    public var verdict: Verdict.Status
    public var reasonCode: String?
    public var reasonText: String?

    public var decision: Verdict { Verdict(verdict, code: reasonCode, text: reasonText) }
}
