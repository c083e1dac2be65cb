import Foundation
import GatewayCore
import MessageSpecs
import Signatures
import Store

/// World §3 flow 2, step 1: customs-core's tax notice, kept as an open notice for the banks'
/// payments. A number received before under another messageId is `DUPLICATE_TAX_NOTICE`.
public struct TaxNoticeStep: FlowStep {
    public let handles = "customs-core/TaxNotice"

    public init() {}

    public func handle(_ message: ReadMessage, signer: SignerIdentity, from partner: Partner,
                       context: FlowContext) async throws(GatewayError) -> FlowOutcome {
        let notice = try message.decode(TaxNotice.self)
        let number = notice.taxNoticeNumber
        let new = CaseCondition(kind: .taxNotice, key: number, allowed: [nil],
                                refusal: GatewayError(ErrorCode(rawValue: "DUPLICATE_TAX_NOTICE"),
                                                      "Tax notice \(number) was already received under another messageId.",
                                                      path: "/taxNoticeNumber"))
        return FlowOutcome(businessKey: "taxnotice/\(number)", events: [
            CaseEvent(kind: .taxNotice, key: number, event: "received", status: .open, partner: partner.id, messageId: nil,
                      signer: signer.subject, at: context.now,
                      detail: "declaration \(notice.declarationNumber), \(notice.amountDue.json) \(notice.currency) due \(notice.dueDate)"),
        ], conditions: [new])
    }
}

/// World §3 flow 2 for Vietcombank: a PaymentConfirmation is matched after the 202; a match
/// sends the PaymentRecord to customs-core and a PaymentAcknowledgement to VCB, anything else a
/// PaymentRejection with the reason. A confirmation VCB sends again gets the same answer again.
public struct PaymentConfirmationStep: FlowStep {
    public let handles = "bank-vcb/PaymentConfirmation"

    public init() {}

    public func handle(_ message: ReadMessage, signer: SignerIdentity, from partner: Partner,
                       context: FlowContext) async throws(GatewayError) -> FlowOutcome {
        let payment = try message.decode(Payment.self)
        var matching = PaymentMatching(context: context, bank: partner.id)
        let decision = try await matching.decide(payment)
        let answerKey = "payment/\(payment.transactionRef)"
        var outcome = FlowOutcome(businessKey: answerKey, events: decision.events, conditions: decision.conditions)
        if decision.matched {
            outcome.produced += try context.translator.translate(message, to: "customs-core/PaymentRecord")
                .map { ProducedMessage(partner: "customs-core", output: $0, businessKey: "taxnotice/\(payment.taxNoticeNumber)") }
            outcome.produced += try context.translator.translate(message, to: "bank-vcb/PaymentAcknowledgement")
                .map { ProducedMessage(partner: partner.id, output: $0, businessKey: answerKey) }
        } else {
            outcome.produced += try context.translator.translate(message, to: "bank-vcb/PaymentRejection",
                                                                 inputs: Translator.Inputs(verdicts: [decision.verdict]))
                .map { ProducedMessage(partner: partner.id, output: $0, businessKey: answerKey) }
        }
        return outcome
    }

    /// VCB re-sends a confirmation when its answer did not arrive: the answer goes again, identical.
    public func retransmitted(_ first: StoredMessage, context: FlowContext) async throws(GatewayError) {
        let answers = try await context.store.produced(by: first.id).filter { $0.partner == first.partner }
        try await context.store.redeliver(answers.map(\.id), at: context.now)
    }
}

/// World §3 flow 2 for BIDV: each entry of a camt.054 notification is matched in entry order;
/// matched entries go to customs-core as PaymentRecords, and BIDV gets one result per entry in
/// the synchronous NotificationResult. An entry already decided repeats its first result.
public struct BankNotificationStep: FlowStep {
    public let handles = "bank-bidv/camt.054"

    public init() {}

    public func handle(_ message: ReadMessage, signer: SignerIdentity, from partner: Partner,
                       context: FlowContext) async throws(GatewayError) -> FlowOutcome {
        let notification = try message.decode(BankNotification.self)
        var matching = PaymentMatching(context: context, bank: partner.id)
        var decisions: [PaymentMatching.Decision] = []
        for entry in notification.entries {
            decisions.append(try await matching.decide(entry))
        }
        var outcome = FlowOutcome(businessKey: "notification/\(notification.messageId)",
                                  events: decisions.flatMap(\.events), conditions: decisions.flatMap(\.conditions))
        if decisions.contains(where: \.matched) {
            let records = try context.translator.translate(message, to: "customs-core/PaymentRecord")
            for (index, entry) in notification.entries.enumerated() where decisions[index].matched {
                outcome.produced.append(ProducedMessage(partner: "customs-core", output: records[index], businessKey: "taxnotice/\(entry.taxNoticeNumber)"))
            }
        }
        let result = try context.translator.translate(message, to: "bank-bidv/NotificationResult",
                                                      inputs: Translator.Inputs(verdicts: decisions.map(\.verdict)))
        guard let body = result.first?.bytes else { throw GatewayError(.internalError, "The NotificationResult was not written.") }
        // BIDV takes the result unsigned, over its mutual TLS (bank-bidv README).
        outcome.answer = SynchronousAnswer(contentType: "application/json", body: body)
        return outcome
    }
}
