import Foundation
import GatewayCore
import MessageSpecs
import Store

/// World §3 flow 2, step 4: a bank payment against the open tax notices (`PaymentLifecycle.match`),
/// on the notice's and the payment's stored facts. Payments of one message are decided in order,
/// so two entries of one BIDV notification paying the same notice are ACCEPTED then DUPLICATE.
struct PaymentMatching {
    let context: FlowContext
    let bank: String
    /// The notices as this message's earlier payments left them: version and facts.
    private var notices: [String: (version: Int, status: CaseStatus?, facts: TaxNoticeFacts?)] = [:]
    /// The payments this message decided already.
    private var decidedHere: [String: Verdict] = [:]

    init(context: FlowContext, bank: String) {
        self.context = context
        self.bank = bank
    }

    /// One payment decided: the verdict, and what the cases become when the message is stored.
    struct Decision {
        let verdict: Verdict
        /// A payment repeated from an earlier message: its first verdict, nothing sent again.
        let repeated: Bool
        var events: [CaseEvent] = []
        var updates: [CaseUpdate] = []
        var matched: Bool { verdict.status == .accepted && !repeated }
    }

    mutating func decide(_ payment: Payment) async throws(GatewayError) -> Decision {
        let ref = payment.transactionRef
        if let verdict = decidedHere[ref] { return Decision(verdict: verdict, repeated: true) }
        if let earlier = try await context.store.storedCase(kind: .payment, key: ref) {
            return Decision(verdict: try Self.verdict(of: earlier), repeated: true)
        }
        let number = payment.taxNoticeNumber
        let notice = try await notice(number)
        let (paid, settled) = PaymentLifecycle.match(payment, bank: bank, notice: notice.facts)
        let verdict = paid.facts?.decision ?? Verdict(.rejected)
        var decision = Decision(verdict: verdict, repeated: false)
        decision.updates = [CaseUpdate(kind: .payment, key: ref, expectedVersion: 0, status: paid.status, facts: try paid.facts?.encoded())]
        decision.events = paid.events(of: .payment, ref, by: bank, signer: nil, at: context.now)
        if let settled, let facts = settled.facts {
            decision.updates.append(CaseUpdate(kind: .taxNotice, key: number, expectedVersion: notice.version, status: settled.status,
                                               facts: try facts.encoded(), alias: facts.notice.declarationNumber))
            decision.events += settled.events(of: .taxNotice, number, by: bank, signer: nil, at: context.now)
            notices[number] = (notice.version + 1, settled.status, facts)
        }
        decidedHere[ref] = verdict
        return decision
    }

    /// A tax notice as it stands: one case row. A notice stored before cases kept facts is read
    /// from the message customs sent; its settlement is then known only from its status.
    private mutating func notice(_ number: String) async throws(GatewayError) -> (version: Int, status: CaseStatus?, facts: TaxNoticeFacts?) {
        if let known = notices[number] { return known }
        let stored = try await context.store.storedCase(kind: .taxNotice, key: number)
        var facts = try stored?.facts.map(TaxNoticeFacts.decoded)
        if let stored, facts == nil {
            let types = context.specs.specs.filter { $0.isInbound && $0.record == TaxNotice.recordName }.map(\.key)
            if let record = try await context.store.latestInbound(types: types, businessKey: CaseKind.taxNotice.businessKey(number))?.record {
                facts = TaxNoticeFacts(notice: try context.specs.decode(TaxNotice.self, fromRecord: record),
                                       settledBy: stored.status == .settled ? "another transaction" : nil)
            }
        }
        let found = (version: stored?.version ?? 0, status: stored?.status, facts: facts)
        notices[number] = found
        return found
    }

    /// The verdict an earlier payment got: from its facts, or — decided before cases kept facts —
    /// from its status alone.
    static func verdict(of payment: StoredCase) throws(GatewayError) -> Verdict {
        if let facts = try payment.facts.map(PaymentFacts.decoded) { return facts.decision }
        return Verdict(payment.status == .accepted ? .accepted : .rejected)
    }
}
