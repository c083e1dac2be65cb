import Foundation

/// What the gateway decided about something a partner sent: accepted, received, or rejected
/// with a code and a text. The hub's business rules decide; these values carry the decision.
public struct Verdict: Sendable, Hashable {
    /// The words the partners' answers use (`ACCEPTED`, `RECEIVED`, `REJECTED`).
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case accepted = "ACCEPTED"
        case received = "RECEIVED"
        case rejected = "REJECTED"
    }

    public var status: Status
    public var code: String?
    public var text: String?

    public init(_ status: Status, code: String? = nil, text: String? = nil) {
        self.status = status
        self.code = code
        self.text = text
    }

    public static let accepted = Verdict(.accepted)
    public static let received = Verdict(.received)

    /// `ACCEPTED`, `RECEIVED`, or `REJECTED CODE: text` (the form the command line takes).
    public init?(_ description: String) {
        let parts = description.split(separator: " ", maxSplits: 1).map(String.init)
        guard let word = parts.first, let status = Status(rawValue: word) else { return nil }
        self.status = status
        guard parts.count > 1 else { return }
        let reason = parts[1].split(separator: ":", maxSplits: 1).map(String.init)
        code = reason[0].trimmingCharacters(in: .whitespaces)
        text = reason.count > 1 ? reason[1].trimmingCharacters(in: .whitespaces) : nil
    }
}

extension PaymentOutcome {
    /// World §3, 2d: the acknowledgement or rejection a bank receives for one payment.
    public init(payment: Payment, verdict: Verdict, decidedAt: String) {
        let accepted = verdict.status == .accepted
        self.init(transactionRef: payment.transactionRef, status: (accepted ? Verdict.Status.accepted : .rejected).rawValue,
                  declarationNumber: accepted ? payment.declarationNumber : nil,
                  taxNoticeNumber: accepted ? payment.taxNoticeNumber : nil,
                  amount: accepted ? payment.amount : nil,
                  reasonCode: accepted ? nil : verdict.code, reasonText: accepted ? nil : verdict.text, decidedAt: decidedAt)
    }
}

extension NotificationResult {
    /// World §3, 2d: one result per BIDV entry, in entry order.
    public init(notification: BankNotification, verdicts: [Verdict]) {
        self.init(messageId: notification.messageId, results: zip(notification.entries, verdicts).map { entry, verdict in
            let accepted = verdict.status == .accepted
            return EntryResult(endToEndId: entry.transactionRef, status: (accepted ? Verdict.Status.accepted : .rejected).rawValue,
                               reasonCode: accepted ? nil : verdict.code, reasonText: accepted ? nil : verdict.text)
        })
    }
}

extension Acknowledgement {
    /// World §3, 3d: the NSW's ACK of a certificate or declaration it received.
    public init(of documentReference: String?, verdict: Verdict) {
        let problems = verdict.status == .rejected
            ? [Problem(code: verdict.code ?? "BUSINESS_RULE_VIOLATION", description: verdict.text ?? "The document was rejected.")]
            : nil
        self.init(status: verdict.status.rawValue, documentReference: documentReference, errors: problems)
    }
}

extension CertificateOfOrigin {
    /// World §3, 3a: a certificate MOIT issued, as the Form D the importing country's NSW receives.
    public func forASEAN(exportingCountry: String) -> CertificateOfOrigin {
        var formD = self
        formD.exportingCountry = exportingCountry
        formD.exporter.country = exportingCountry
        formD.consignee.taxIdentifier = nil
        formD.formType = nil
        formD.aswMessageId = nil
        formD.sourceNSW = nil
        return formD
    }
}
