/// Duties and taxes assessed on a declaration, to be paid at a bank (customs-core `TaxNotice`).
public struct TaxNotice: CanonicalRecord {
    public static let recordName = "TaxNotice"

    public var taxNoticeNumber: String
    public var declarationNumber: String
    public var taxpayerTaxCode: String
    public var taxpayerName: String?
    public var amountDue: DecimalNumber
    public var currency: String
    public var dueDate: String
    public var issuedAt: String
    public var taxLines: [TaxLine]?

    public struct TaxLine: Codable, Sendable, Hashable {
        public var taxType: String
        public var amount: DecimalNumber
    }
}

/// One customer payment of customs duties at a bank: a VCB `PaymentConfirmation`, one BIDV
/// camt.054 entry, or the customs-core `PaymentRecord` made from either.
public struct Payment: CanonicalRecord {
    public static let recordName = "Payment"

    public var bankCode: String
    public var transactionRef: String
    public var taxNoticeNumber: String
    public var declarationNumber: String
    public var taxpayerTaxCode: String
    public var taxpayerName: String?
    public var amount: DecimalNumber
    public var currency: String
    public var paidAt: String
    public var payerAccountMasked: String?
    /// `COUNTER`, `INTERNET` or `MOBILE`; BIDV does not report it.
    public var channel: String?
    public var remittanceInfo: String?
}

/// A BIDV camt.054 notification: several payments booked to the State Treasury account.
public struct BankNotification: CanonicalRecord {
    public static let recordName = "BankNotification"

    public var messageId: String
    public var createdAt: String
    public var notificationId: String
    public var account: String
    public var entries: [Payment]
}

/// What the gateway tells a bank about one payment: matched (`ACCEPTED`) or not (`REJECTED` with a reason).
public struct PaymentOutcome: CanonicalRecord {
    public static let recordName = "PaymentOutcome"

    public var transactionRef: String
    /// `ACCEPTED` or `REJECTED`.
    public var status: String
    public var declarationNumber: String?
    public var taxNoticeNumber: String?
    public var amount: DecimalNumber?
    public var reasonCode: String?
    public var reasonText: String?
    public var decidedAt: String?
}

/// The gateway's synchronous answer to a BIDV notification: one outcome per entry, in entry order.
public struct NotificationResult: CanonicalRecord {
    public static let recordName = "NotificationResult"

    public var messageId: String
    public var results: [EntryResult]

    public struct EntryResult: Codable, Sendable, Hashable {
        public var endToEndId: String
        public var status: String
        public var reasonCode: String?
        public var reasonText: String?

        public init(endToEndId: String, status: String, reasonCode: String? = nil, reasonText: String? = nil) {
            self.endToEndId = endToEndId
            self.status = status
            self.reasonCode = reasonCode
            self.reasonText = reasonText
        }
    }

    public init(messageId: String, results: [EntryResult]) {
        self.messageId = messageId
        self.results = results
    }
}
