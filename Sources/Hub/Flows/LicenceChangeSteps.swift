import Foundation
import GatewayCore
import MessageSpecs
import Signatures
import Store

/// World §3 flow 1, step 6 (table 1c): an amendment becomes the licence's next LicenceRecord.
/// Refused in the moit README's order: `UNKNOWN_LICENCE`, `LICENCE_REVOKED`,
/// `AMENDMENT_OUT_OF_SEQUENCE`, `LINE_MISMATCH`, `INVALID_VALIDITY`. An amendment leaves the
/// case's status as it is, except that raising a used-up line returns an EXHAUSTED licence to
/// IN_USE, and extending an EXPIRED licence returns it to its status before.
public struct LicenceAmendmentStep: FlowStep {
    public let handles = "moit/LicenceAmendment"

    public init() {}

    public func handle(_ message: ReadMessage, signer: SignerIdentity, from partner: Partner,
                       context: FlowContext) async throws(GatewayError) -> FlowOutcome {
        let amendment = try message.decode(LicenceAmendment.self)
        let licence = try await LicenceState.load(amendment.licenceNumber, context: context)
        let previous = try LicenceRules.current(licence, path: "/LicenceAmendment/LicenceNumber")
        guard amendment.amendmentNo == previous.amendmentNo + 1 else {
            throw GatewayError(ErrorCode(rawValue: "AMENDMENT_OUT_OF_SEQUENCE"),
                               "Amendment \(amendment.amendmentNo) of licence \(licence.number) is out of sequence: the next is \(previous.amendmentNo + 1).",
                               path: "/LicenceAmendment/AmendmentNo")
        }
        let next = try previous.amended(by: amendment)
        if let newValidUntil = amendment.newValidUntil, newValidUntil < previous.validFrom {
            throw GatewayError(ErrorCode(rawValue: "INVALID_VALIDITY"),
                               "The new validity end \(newValidUntil) is before the licence's start \(previous.validFrom).",
                               path: "/LicenceAmendment/NewValidUntil")
        }
        let status = try await licence.status(context)
        var outcome = FlowOutcome(businessKey: licence.businessKey,
                                  produced: try LicenceRules.nextRecord(from: message, of: licence, context),
                                  conditions: [Reconsider.condition(kind: licence.caseKind, key: licence.caseKey, status: status)],
                                  counts: [licence.unchanged])
        let after = try await LicenceRules.status(after: next, of: licence, now: status, context: context)
        outcome.events.append(licence.event("amended", status: after, partner: partner.id, signer: signer, at: context.now,
                                            detail: "amendment \(amendment.amendmentNo): \(amendment.reason)"))
        return outcome
    }
}

/// World §3 flow 1, step 7 (table 1d): a revocation becomes the licence's last LicenceRecord,
/// `REVOKED`, and the case is REVOKED for good. Refused: `UNKNOWN_LICENCE`, `LICENCE_REVOKED`.
public struct LicenceRevocationStep: FlowStep {
    public let handles = "moit/LicenceRevocation"

    public init() {}

    public func handle(_ message: ReadMessage, signer: SignerIdentity, from partner: Partner,
                       context: FlowContext) async throws(GatewayError) -> FlowOutcome {
        let revocation = try message.decode(LicenceRevocation.self)
        let licence = try await LicenceState.load(revocation.licenceNumber, context: context)
        _ = try LicenceRules.current(licence, path: "/LicenceRevocation/LicenceNumber")
        return FlowOutcome(businessKey: licence.businessKey,
                           produced: try LicenceRules.nextRecord(from: message, of: licence, context),
                           events: [licence.event("revoked", status: "REVOKED", partner: partner.id, signer: signer, at: context.now,
                                                  detail: "\(revocation.revocationDecisionNo): \(revocation.reason)")],
                           counts: [licence.unchanged])
    }
}

/// The checks every change of a licence starts with.
enum LicenceRules {
    /// The current record of a licence that exists and is not revoked.
    static func current(_ licence: LicenceState, path: String) throws(GatewayError) -> Licence {
        guard let current = licence.current else {
            throw GatewayError(ErrorCode(rawValue: "UNKNOWN_LICENCE"), "No licence \(licence.number) was approved.", path: path)
        }
        guard current.status != "REVOKED" else {
            throw GatewayError(ErrorCode(rawValue: "LICENCE_REVOKED"), "Licence \(licence.number) was revoked.", path: path)
        }
        return current
    }

    /// The licence's next LicenceRecord for customs-core, translated from `message` with the
    /// records sent so far as the translation's context.
    static func nextRecord(from message: ReadMessage, of licence: LicenceState, _ context: FlowContext) throws(GatewayError) -> [ProducedMessage] {
        try context.translator.translate(message, to: LicenceState.recordType, inputs: Translator.Inputs(context: licence.sent))
            .map { ProducedMessage(partner: "customs-core", output: $0, businessKey: licence.businessKey) }
    }

    /// The status after an amendment (MOIT) or a re-issue (MARD), which otherwise leave it as it
    /// is (world §1.5): a used-up licence whose line was raised is IN_USE again; an expired one
    /// whose validity was extended returns to its status before it expired.
    static func status(after next: Licence, of licence: LicenceState, now status: String?,
                       context: FlowContext) async throws(GatewayError) -> String {
        switch status {
        case "EXHAUSTED" where try await LicenceUsageStep.used(licence, context: context).isExhausted(next) == false:
            return "IN_USE"
        case "EXPIRED" where next.validUntil >= VietnamTime.date(context.now):
            let events = try await context.store.timeline(kind: licence.caseKind, key: licence.caseKey)?.events ?? []
            return events.last { $0.status != "EXPIRED" }?.status ?? "APPROVED"
        default:
            return status ?? "APPROVED"
        }
    }
}
