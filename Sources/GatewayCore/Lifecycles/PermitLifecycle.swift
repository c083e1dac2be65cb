/// World §3 flows 4 and 5: a ministry's permit, always sent whole at its revision. An issue
/// (revision 0) is APPROVED and the permit's first LicenceRecord; a change (a MARD re-issue, a MOH
/// amendment) at the next revision is the next record, as an amendment; a revocation the REVOKED
/// record (at the same revision for MARD, the next for MOH: the permit's `revocationRevision`); a
/// refusal is REJECTED and sends nothing. Refused in the ministries' order: `PERMIT_CLOSED`,
/// `UNKNOWN_PERMIT`, `REVISION_OUT_OF_SEQUENCE`.
extension LicenceLifecycle {
    public static func permit(_ permit: Permit, status: CaseStatus?, facts: LicenceFacts?,
                              today: String) throws(GatewayError) -> Transition {
        let number = permit.permitNumber
        if let status, status.isFinal {
            throw refusal("PERMIT_CLOSED", "Permit \(number) is closed (\(status.rawValue)).", field: "permitNumber")
        }
        guard let decision = permit.decided else {
            throw GatewayError(.configurationInvalid, "The spec maps the permit status \(permit.permitStatus) to \(permit.decision), which is no permit decision.")
        }
        // A change of an issued permit: a revocation, an amendment, or — where the ministry re-issues
        // (MARD) — a grant of a permit it already issued.
        let changes = decision == .revoked || (decision.rawValue == permit.amendedBy && (decision == .amended || facts != nil))
        if changes, facts == nil {
            throw refusal("UNKNOWN_PERMIT", "Permit \(number) was never received as issued.", field: "permitNumber")
        }
        let last = facts?.revision
        let expected: Int? = switch decision {
        case .refused: status == nil ? 0 : nil
        case .revoked: permit.revocationRevision == "SAME" ? last : last.map { $0 + 1 }
        case _ where changes: last.map { $0 + 1 }
        case .granted: facts == nil ? 0 : nil
        case .amended: nil
        }
        guard permit.revision == expected else {
            throw refusal("REVISION_OUT_OF_SEQUENCE",
                          "A \(permit.permitStatus) permit \(number) with revision \(permit.revision) is out of sequence (last accepted: \(last.map(String.init) ?? "none")).",
                          field: "revision")
        }
        let detail = ["revision \(permit.revision)", permit.declarationReference.map { "for declaration \($0)" }].compactMap { $0 }.joined(separator: ", ")
        if decision == .refused {
            return Transition(status: .rejected, facts: nil, entries: [TimelineEntry("refused", .rejected, permit.reason ?? "refused")])
        }
        let record = try Licence(permit: permit, previous: facts?.record)
        guard var facts else {
            return Transition(status: .approved, facts: LicenceFacts(record: record, revision: permit.revision),
                              entries: [TimelineEntry("issued", .approved, detail)], record: record)
        }
        if decision == .revoked {
            facts.record = record
            facts.revision = permit.revision
            return Transition(status: .revoked, facts: facts, entries: [TimelineEntry("revoked", .revoked, permit.reason ?? "revoked")],
                              record: record)
        }
        let after = statusAfterChange(to: record, status: status, facts: facts, today: today)
        facts.record = record
        facts.revision = permit.revision
        if after != .expired { facts.statusBeforeExpiry = nil }
        return Transition(status: after, facts: facts, entries: [TimelineEntry("amended", after, [detail, permit.reason].compactMap { $0 }.joined(separator: ": "))],
                          record: record)
    }

    /// World §3 flow 4b: a quarantine result is recorded against a permit received as ISSUED;
    /// `UNKNOWN_PERMIT` otherwise. It changes no status.
    public static func quarantineResult(_ result: QuarantineResult, status: CaseStatus?, facts: LicenceFacts?) throws(GatewayError) -> Transition {
        guard facts != nil, let status else {
            throw refusal("UNKNOWN_PERMIT", "Permit \(result.permitNumber) was never received as ISSUED.", field: "permitNumber")
        }
        let detail = ["\(result.result) for consignment \(result.consignmentReference)",
                      result.declarationNumber.map { "declaration \($0)" }, "inspected \(result.inspectionDate)",
                      result.certificateNumber.map { "certificate \($0)" }].compactMap { $0 }.joined(separator: ", ")
        return Transition(status: status, facts: facts, entries: [TimelineEntry("quarantine-result", status, detail)])
    }
}
