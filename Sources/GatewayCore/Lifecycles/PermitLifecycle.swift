/// World §3 flow 4: a MARD phytosanitary permit, always sent whole at its revision. An issue
/// (rev 0) is APPROVED and the permit's first LicenceRecord; a re-issue (rev + 1) the next record,
/// as an amendment; a cancellation (same rev) the REVOKED record; a refusal is REJECTED and sends
/// nothing. Refused in the mard README's order: `PERMIT_CLOSED`, `UNKNOWN_PERMIT`,
/// `REVISION_OUT_OF_SEQUENCE`.
extension LicenceLifecycle {
    public static func permit(_ permit: PhytosanitaryPermit, status: CaseStatus?, facts: LicenceFacts?,
                              today: String) throws(GatewayError) -> Transition {
        let number = permit.permitNumber
        if let status, status.isFinal {
            throw refusal("PERMIT_CLOSED", "Permit \(number) is closed (\(status.rawValue)).", field: "permitNumber")
        }
        if permit.status == "CANCELLED", facts == nil {
            throw refusal("UNKNOWN_PERMIT", "Permit \(number) was never received as ISSUED.", field: "permitNumber")
        }
        let lastRevision = facts?.revision
        let inSequence = switch permit.status {
        case "ISSUED": permit.revision == (lastRevision.map { $0 + 1 } ?? 0)
        case "REFUSED": permit.revision == 0 && status == nil
        default: permit.revision == lastRevision
        }
        guard inSequence else {
            throw refusal("REVISION_OUT_OF_SEQUENCE",
                          "A \(permit.status) permit \(number) with rev \(permit.revision) is out of sequence (last accepted rev: \(lastRevision.map(String.init) ?? "none")).",
                          field: "revision")
        }
        if permit.status == "REFUSED" {
            return Transition(status: .rejected, facts: nil, entries: [TimelineEntry("refused", .rejected, permit.reason ?? "refused")])
        }
        let record = try Licence(permit: permit, recordVersion: (facts?.record.recordVersion ?? 0) + 1)
        guard var facts else {
            return Transition(status: .approved, facts: LicenceFacts(record: record, revision: permit.revision),
                              entries: [TimelineEntry("issued", .approved, "rev 0")], record: record)
        }
        if permit.status == "CANCELLED" {
            facts.record = record
            return Transition(status: .revoked, facts: facts, entries: [TimelineEntry("cancelled", .revoked, permit.reason ?? "cancelled")],
                              record: record)
        }
        let after = statusAfterChange(to: record, status: status, facts: facts, today: today)
        facts.record = record
        facts.revision = permit.revision
        if after != .expired { facts.statusBeforeExpiry = nil }
        return Transition(status: after, facts: facts, entries: [TimelineEntry("reissued", after, "rev \(permit.revision)")], record: record)
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
