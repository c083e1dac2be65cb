import Foundation
import GatewayCore
import MessageSpecs
import Store

/// World §3 flow 2, step 4: a bank payment against the open tax notices, checks in the world's
/// order — the first that fails decides. Payments of one message are decided in order, so two
/// entries of one BIDV notification paying the same notice are ACCEPTED then DUPLICATE.
struct PaymentMatching {
    let context: FlowContext
    let bank: String
    /// Notices settled by earlier payments of the same message.
    private var settledHere: [String: String] = [:]

    init(context: FlowContext, bank: String) {
        self.context = context
        self.bank = bank
    }

    /// One payment decided: the verdict, the case events and what the cases must still be when stored.
    struct Decision {
        let verdict: Verdict
        /// A payment repeated from an earlier message: its first verdict, nothing sent again.
        let repeated: Bool
        var events: [CaseEvent] = []
        var conditions: [CaseCondition] = []
        var matched: Bool { verdict.status == CaseStatus.accepted.rawValue && !repeated }
    }

    mutating func decide(_ payment: Payment) async throws(GatewayError) -> Decision {
        let ref = payment.transactionRef
        if let first = try await context.store.timeline(kind: .payment, key: ref), let decided = first.events.first {
            let verdict = decided.status == .accepted ? Verdict(status: CaseStatus.accepted.rawValue)
                : Verdict("REJECTED \(decided.detail ?? "")") ?? Verdict(status: CaseStatus.rejected.rawValue)
            return Decision(verdict: verdict, repeated: true)
        }
        let number = payment.taxNoticeNumber
        let notices = context.specs.specs.filter { $0.isInbound && $0.record == TaxNotice.recordName }.map(\.key)
        let notice = try await context.store.latestInbound(types: notices, businessKey: "taxnotice/\(number)")
            .flatMap { $0.record }
            .map { record throws(GatewayError) in try context.specs.decode(TaxNotice.self, fromRecord: record) }
        let noticeCase = try await context.store.timeline(kind: .taxNotice, key: number)
        let noticeStatus = noticeCase?.status
        var decision = Decision(verdict: verdict(for: payment, notice: notice, settledBy: settlement(of: number, noticeCase)), repeated: false)
        // Decided on the payment being new and the notice as it stands; otherwise decided again.
        decision.conditions = [Reconsider.condition(kind: .payment, key: ref, status: nil)]
        if notice != nil, settledHere[number] == nil {
            decision.conditions.append(Reconsider.condition(kind: .taxNotice, key: number, status: noticeStatus))
        }
        let verdict = decision.verdict
        decision.events.append(CaseEvent(
            kind: .payment, key: ref, event: verdict.status == CaseStatus.accepted.rawValue ? "matched" : "rejected", status: CaseStatus(rawValue: verdict.status),
            partner: bank, messageId: nil, signer: nil, at: context.now,
            detail: verdict.code.map { "\($0): \(verdict.text ?? "")" } ?? "tax notice \(number)"))
        if decision.matched {
            settledHere[number] = ref
            decision.events.append(CaseEvent(kind: .taxNotice, key: number, event: "settled", status: .settled, partner: bank,
                                             messageId: nil, signer: nil, at: context.now, detail: "by \(ref)"))
        }
        return decision
    }

    /// The transaction that settled a notice, if one did.
    private func settlement(of number: String, _ notice: CaseTimeline?) -> String? {
        if let ref = settledHere[number] { return ref }
        guard let notice, notice.status == .settled else { return nil }
        let settled = notice.events.last { $0.status == .settled }
        return settled?.detail.map { $0.hasPrefix("by ") ? String($0.dropFirst(3)) : $0 } ?? "another transaction"
    }

    private func verdict(for payment: Payment, notice: TaxNotice?, settledBy: String?) -> Verdict {
        guard let notice, notice.declarationNumber == payment.declarationNumber else {
            return Verdict(status: "REJECTED", code: "UNKNOWN_DECLARATION",
                           text: "No open tax notice \(payment.taxNoticeNumber) for declaration \(payment.declarationNumber).")
        }
        guard notice.taxpayerTaxCode == payment.taxpayerTaxCode else {
            return Verdict(status: "REJECTED", code: "TAXPAYER_MISMATCH",
                           text: "Tax notice \(notice.taxNoticeNumber) belongs to tax code \(notice.taxpayerTaxCode), not \(payment.taxpayerTaxCode).")
        }
        if let settledBy {
            return Verdict(status: "REJECTED", code: "DUPLICATE",
                           text: "Tax notice \(notice.taxNoticeNumber) was already settled by transaction \(settledBy).")
        }
        guard notice.amountDue == payment.amount, notice.currency == payment.currency else {
            return Verdict(status: "REJECTED", code: "AMOUNT_MISMATCH",
                           text: "Paid amount \(payment.amount.json) \(payment.currency) differs from amount due \(notice.amountDue.json) \(notice.currency) on tax notice \(notice.taxNoticeNumber).")
        }
        return Verdict(status: "ACCEPTED")
    }
}
