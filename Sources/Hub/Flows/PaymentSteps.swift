import Foundation
import GatewayCore
import MessageSpecs
import Signatures
import Store

/// World §3 flow 2, step 1: customs' tax notice, kept as an open notice for the banks' payments.
/// A number received before under another messageId is `DUPLICATE_TAX_NOTICE`.
public struct TaxNoticeStep: FlowStep {
    public let record = TaxNotice.recordName
    public let sender = PartnerRole.customs

    public init() {}

    public func handle(_ message: ReadMessage, signer: SignerIdentity, from partner: Partner,
                       context: FlowContext) async throws(GatewayError) -> FlowOutcome {
        let notice = try message.decode(TaxNotice.self)
        let number = notice.taxNoticeNumber
        let stored = try await context.store.storedCase(kind: .taxNotice, key: number)
        let transition = try deciding(message) { () throws(GatewayError) in try PaymentLifecycle.notice(notice, known: stored != nil) }
        return FlowOutcome(businessKey: CaseKind.taxNotice.businessKey(number),
                           events: transition.events(of: .taxNotice, number, by: partner.id, signer: signer.subject, at: context.now),
                           updates: [CaseUpdate(kind: .taxNotice, key: number, expectedVersion: 0, status: transition.status,
                                                facts: try transition.facts?.encoded(), alias: notice.declarationNumber)])
    }
}

/// World §3 flow 2 for a bank that confirms payments one by one (Vietcombank): a confirmation is
/// matched after the 202; a match sends the payment record to customs and the accepted outcome to
/// the bank (VCB's PaymentAcknowledgement), anything else the refused outcome with the reason (its
/// PaymentRejection). A confirmation sent again gets the same answer again.
public struct PaymentConfirmationStep: FlowStep {
    public let record = Payment.recordName
    public let sender = PartnerRole.bank
    public let routes = [FlowRoute(.role(.customs), Payment.recordName), FlowRoute(.sender, PaymentOutcome.recordName)]

    public init() {}

    public func handle(_ message: ReadMessage, signer: SignerIdentity, from partner: Partner,
                       context: FlowContext) async throws(GatewayError) -> FlowOutcome {
        let payment = try message.decode(Payment.self)
        var matching = PaymentMatching(context: context, bank: partner.id)
        let decision = try await matching.decide(payment)
        let answerKey = CaseKind.payment.businessKey(payment.transactionRef)
        var outcome = FlowOutcome(businessKey: answerKey, events: decision.events, updates: decision.updates)
        if decision.matched {
            outcome.produced += try context.translate(message, into: record, for: .customs, businessKey: CaseKind.taxNotice.businessKey(payment.taxNoticeNumber))
        }
        outcome.produced += try context.translate(message, into: PaymentOutcome.recordName, for: partner,
                                                  inputs: Translator.Inputs(verdicts: [decision.verdict]), businessKey: answerKey)
        return outcome
    }

    /// VCB re-sends a confirmation when its answer did not arrive: the answer goes again, identical.
    public func retransmitted(_ first: StoredMessage, context: FlowContext) async throws(GatewayError) {
        let answers = try await context.store.produced(by: first.id).filter { $0.partner == first.partner }
        try await context.store.redeliver(answers.map(\.id), at: context.now)
    }
}

/// World §3 flow 2 for a bank that notifies payments in batches (BIDV's camt.054): each entry is
/// matched in entry order; matched entries go to customs as payment records, and the bank gets one
/// result per entry in its synchronous answer (BIDV's NotificationResult). An entry already
/// decided repeats its first result.
public struct BankNotificationStep: FlowStep {
    public let record = BankNotification.recordName
    public let sender = PartnerRole.bank
    public let routes = [FlowRoute(.role(.customs), Payment.recordName), FlowRoute(.senderAtOnce, NotificationResult.recordName)]

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
                                  events: decisions.flatMap(\.events), updates: decisions.flatMap(\.updates))
        if decisions.contains(where: \.matched) {
            // One payment record per entry, entry by entry for each customs partner.
            let entries = notification.entries
            let records = try context.translate(message, into: Payment.recordName, for: .customs, businessKey: "")
            for (index, record) in records.enumerated() where decisions[index % entries.count].matched {
                outcome.produced.append(ProducedMessage(partner: record.partner, output: record.output,
                                                        businessKey: CaseKind.taxNotice.businessKey(entries[index % entries.count].taxNoticeNumber)))
            }
        }
        outcome.answer = try context.answer(message, to: partner, inputs: Translator.Inputs(verdicts: decisions.map(\.verdict)))
        return outcome
    }
}
