/// The life of a licence or permit case (world §1.5, flows 1 and 4) as pure functions of the
/// case's status and facts and the record that arrived: the new status and facts, the timeline
/// entries and the LicenceRecord to send — or a refusal with the partner's business code, whose
/// path names the record's field (the hub turns it into the partner's document path).
public enum LicenceLifecycle {
    public typealias Transition = CaseTransition<LicenceFacts>

    static func refusal(_ code: String, _ message: String, field: String) -> GatewayError {
        GatewayError(ErrorCode(rawValue: code), message, path: field)
    }

    /// World §3 flow 1 step 3 (table 1b): MOIT's decision on the application the NSW submitted
    /// (`application`, the last one MOIT accepted). Decided only while MOIT may still decide.
    public static func decide(_ decision: LicenceDecision, application: LicenceApplication, status: CaseStatus?) throws(GatewayError) -> Transition {
        guard status == nil || status == .applied || status == .supplementRequired else {
            throw refusal("DECISION_ALREADY_FINAL", "Application \(decision.applicationId) already has a final decision (\(status?.rawValue ?? "")).",
                          field: "decision")
        }
        switch decision.outcome {
        case .approved:
            let record = try Licence(approving: decision, application: application)
            return Transition(status: .approved, facts: LicenceFacts(record: record),
                              entries: [TimelineEntry("decision", .approved, "licence \(record.licenceNumber)")], record: record)
        case .rejected:
            return Transition(status: .rejected, facts: nil, entries: [TimelineEntry("decision", .rejected, decision.reason)])
        default:
            return Transition(status: .supplementRequired, facts: nil, entries: [TimelineEntry("decision", .supplementRequired, decision.reason)])
        }
    }

    /// World §1.5: customs-core took the licence's first LicenceRecord — DELIVERED_TO_CUSTOMS,
    /// unless the licence moved on meanwhile (revoked or expired before customs-core answered).
    public static func delivered(recordVersion: Int, status: CaseStatus?, facts: LicenceFacts?) -> Transition? {
        guard recordVersion == 1, var facts, !facts.deliveredToCustoms else { return nil }
        facts.deliveredToCustoms = true
        let after: CaseStatus? = status == .approved ? .deliveredToCustoms : status
        return Transition(status: after, facts: facts, entries: [TimelineEntry("delivered-to-customs", after)])
    }

    /// World §3 flow 1 step 5 (table 1e): a cleared declaration draws on the licence. Refused as
    /// a whole, in the customs-core README's order: `UNKNOWN_LICENCE`, `LICENCE_REVOKED`,
    /// `DUPLICATE_USAGE`, `LICENCE_NOT_VALID`, `LINE_MISMATCH`, `QUANTITY_EXCEEDED`. The first
    /// usage makes the case IN_USE; one after which every line is used up, EXHAUSTED.
    public static func use(_ usage: LicenceUsage, status: CaseStatus?, facts: LicenceFacts?,
                           declarationCounted: Bool) throws(GatewayError) -> Transition {
        guard var facts, facts.deliveredToCustoms else {
            throw refusal("UNKNOWN_LICENCE", "No LicenceRecord of \(usage.licenceNumber) was delivered to customs-core.", field: "licenceNumber")
        }
        let current = facts.record
        guard !current.isRevoked else {
            throw refusal("LICENCE_REVOKED", "Licence \(usage.licenceNumber) was revoked.", field: "licenceNumber")
        }
        guard !declarationCounted else {
            throw refusal("DUPLICATE_USAGE", "Usage of \(usage.licenceNumber) by declaration \(usage.declarationNumber) was already recorded.",
                          field: "declarationNumber")
        }
        guard usage.declarationDate >= current.validFrom, usage.declarationDate <= current.validUntil else {
            throw refusal("LICENCE_NOT_VALID",
                          "Declaration date \(usage.declarationDate) is outside the licence's validity \(current.validFrom) – \(current.validUntil).",
                          field: "declarationDate")
        }
        for (index, line) in usage.usageLines.enumerated() {
            guard let licensed = current.goodsLines.first(where: { $0.lineNo == line.licenceLineNo }),
                  licensed.hsCode == line.hsCode, licensed.unit == line.unit else {
                throw refusal("LINE_MISMATCH", "Line \(line.licenceLineNo) (\(line.hsCode) in \(line.unit)) is not a line of licence \(usage.licenceNumber).",
                              field: "usageLines/\(index)")
            }
        }
        for (index, line) in usage.usageLines.enumerated() {
            let approved = current.goodsLines.first { $0.lineNo == line.licenceLineNo }?.approvedQuantity ?? 0
            let used = facts.quantityUsed(line.licenceLineNo)
            guard used + line.quantityUsed <= approved else {
                throw refusal("QUANTITY_EXCEEDED",
                              "Line \(line.licenceLineNo): \(used.json) already used + \(line.quantityUsed.json) exceeds the approved \(approved.json) \(line.unit).",
                              field: "usageLines/\(index)/quantityUsed")
            }
            facts.add(line.quantityUsed, to: line.licenceLineNo)
        }
        facts.usages += 1
        let detail = "declaration \(usage.declarationNumber) of \(usage.declarationDate)"
        var after = status ?? .inUse
        var entries: [TimelineEntry]
        if status == .inUse || status == .exhausted || status == .expired {
            entries = [TimelineEntry("used", after, detail)]
        } else {
            after = .inUse
            entries = [TimelineEntry("in-use", .inUse, detail)]
        }
        if facts.isExhausted(current), after != .exhausted {
            after = .exhausted
            entries.append(TimelineEntry("exhausted", .exhausted, "every line is used up"))
        }
        return Transition(status: after, facts: facts, entries: entries, counted: [usage.declarationNumber])
    }
}
