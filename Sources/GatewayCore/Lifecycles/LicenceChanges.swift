/// Amendments, revocations and expiry of a licence or permit (world §3 flow 1 steps 6–7, §1.5).
extension LicenceLifecycle {
    /// The current record of a licence that exists and is not revoked.
    static func current(_ facts: LicenceFacts?, number: String) throws(GatewayError) -> LicenceFacts {
        guard let facts else {
            throw refusal("UNKNOWN_LICENCE", "No licence \(number) was approved.", field: "licenceNumber")
        }
        guard !facts.record.isRevoked else {
            throw refusal("LICENCE_REVOKED", "Licence \(number) was revoked.", field: "licenceNumber")
        }
        return facts
    }

    /// Table 1c: the amendment becomes the next LicenceRecord. Refused in the moit README's
    /// order: `UNKNOWN_LICENCE`, `LICENCE_REVOKED`, `AMENDMENT_OUT_OF_SEQUENCE`, `LINE_MISMATCH`,
    /// `INVALID_VALIDITY`. `today` is the Viet Nam date, for an amendment of an expired licence.
    public static func amend(_ amendment: LicenceAmendment, status: CaseStatus?, facts: LicenceFacts?,
                             today: String) throws(GatewayError) -> Transition {
        var facts = try current(facts, number: amendment.licenceNumber)
        let previous = facts.record
        guard amendment.amendmentNo == previous.amendmentNo + 1 else {
            throw refusal("AMENDMENT_OUT_OF_SEQUENCE",
                          "Amendment \(amendment.amendmentNo) of licence \(previous.licenceNumber) is out of sequence: the next is \(previous.amendmentNo + 1).",
                          field: "amendmentNo")
        }
        let next = try previous.amended(by: amendment)
        if let newValidUntil = amendment.newValidUntil, newValidUntil < previous.validFrom {
            throw refusal("INVALID_VALIDITY", "The new validity end \(newValidUntil) is before the licence's start \(previous.validFrom).",
                          field: "newValidUntil")
        }
        let after = statusAfterChange(to: next, status: status, facts: facts, today: today)
        facts.record = next
        if after != .expired { facts.statusBeforeExpiry = nil }
        return Transition(status: after, facts: facts,
                          entries: [TimelineEntry("amended", after, "amendment \(amendment.amendmentNo): \(amendment.reason)")], record: next)
    }

    /// Table 1d: the revocation becomes the licence's last LicenceRecord; the case is REVOKED for good.
    public static func revoke(_ revocation: LicenceRevocation, facts: LicenceFacts?) throws(GatewayError) -> Transition {
        var facts = try current(facts, number: revocation.licenceNumber)
        let next = facts.record.revoked(by: revocation)
        facts.record = next
        return Transition(status: .revoked, facts: facts,
                          entries: [TimelineEntry("revoked", .revoked, "\(revocation.revocationDecisionNo): \(revocation.reason)")], record: next)
    }

    /// World §1.5: EXPIRED once the day after `validUntil` has begun in Viet Nam (`today` is
    /// that date) and the licence was not revoked; nil when nothing changes. Nothing is sent.
    public static func expire(status: CaseStatus?, facts: LicenceFacts?, today: String) -> Transition? {
        guard var facts, facts.record.status == Licence.active, facts.record.validUntil < today,
              let status, status != .expired, !status.isFinal else { return nil }
        facts.statusBeforeExpiry = status
        return Transition(status: .expired, facts: facts, entries: [TimelineEntry("expired", .expired, "valid until \(facts.record.validUntil)")])
    }

    /// The status after an amendment (MOIT) or a re-issue (MARD), which otherwise leave it as it
    /// is (world §1.5): a used-up licence whose line was raised is IN_USE again; an expired one
    /// whose validity was extended returns to its status before it expired.
    static func statusAfterChange(to next: Licence, status: CaseStatus?, facts: LicenceFacts, today: String) -> CaseStatus {
        switch status {
        case .exhausted where !facts.isExhausted(next):
            return .inUse
        case .expired where next.validUntil >= today:
            return facts.statusBeforeExpiry ?? .approved
        default:
            return status ?? .approved
        }
    }
}
