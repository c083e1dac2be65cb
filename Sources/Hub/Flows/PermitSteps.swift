import Foundation
import GatewayCore
import MessageSpecs
import Signatures
import Store

/// World §3 flow 4: MARD's phytosanitary import permits. An issued permit (rev 0) is APPROVED
/// and becomes a LicenceRecord for customs-core; a re-issue (rev + 1) is the next record, as an
/// amendment; a cancellation (same rev) is the REVOKED record; a refusal is REJECTED and sends
/// nothing. Refused in the mard README's order: `PERMIT_CLOSED`, `UNKNOWN_PERMIT`,
/// `REVISION_OUT_OF_SEQUENCE` (`VALIDITY_MISSING` is a rule of the spec, checked on reading).
public struct PermitStep: FlowStep {
    public let handles = "mard/phyto_imp_permit"

    public init() {}

    public func handle(_ message: ReadMessage, signer: SignerIdentity, from partner: Partner,
                       context: FlowContext) async throws(GatewayError) -> FlowOutcome {
        let permit = try message.decode(PhytosanitaryPermit.self)
        let number = permit.permitNumber
        let licence = try await LicenceState.load(number, context: context)
        let earlier = try await Self.permits(number, context: context)
        let status = try await context.store.timeline(kind: "permit", key: number)?.status
        if status == "REJECTED" || status == "REVOKED" {
            throw GatewayError(ErrorCode(rawValue: "PERMIT_CLOSED"), "Permit \(number) is closed (\(status ?? "")).", path: "/permit/@no")
        }
        let issued = earlier.filter { $0.status == "ISSUED" }
        if permit.status == "CANCELLED", issued.isEmpty {
            throw GatewayError(ErrorCode(rawValue: "UNKNOWN_PERMIT"), "Permit \(number) was never received as ISSUED.", path: "/permit/@no")
        }
        let lastRevision = issued.map(\.revision).max()
        let inSequence = switch permit.status {
        case "ISSUED": permit.revision == (lastRevision.map { $0 + 1 } ?? 0)
        case "REFUSED": permit.revision == 0 && earlier.isEmpty
        default: permit.revision == lastRevision
        }
        guard inSequence else {
            throw GatewayError(ErrorCode(rawValue: "REVISION_OUT_OF_SEQUENCE"),
                               "A \(permit.status) permit \(number) with rev \(permit.revision) is out of sequence (last accepted rev: \(lastRevision.map(String.init) ?? "none")).",
                               path: "/permit/@rev")
        }
        var outcome = FlowOutcome(businessKey: licence.businessKey,
                                  conditions: [Reconsider.condition(kind: "permit", key: number, status: status)],
                                  counts: [licence.unchanged, Reconsider.count(.inbound, handles, about: licence.businessKey, is: earlier.count)])
        func event(_ name: String, _ status: String, _ detail: String) -> CaseEvent {
            CaseEvent(kind: "permit", key: number, event: name, status: status, partner: partner.id, messageId: nil,
                      signer: signer.subject, at: context.now, detail: detail)
        }
        switch permit.status {
        case "REFUSED":
            outcome.events.append(event("refused", "REJECTED", permit.reason ?? "refused"))
            return outcome
        case "CANCELLED":
            outcome.events.append(event("cancelled", "REVOKED", permit.reason ?? "cancelled"))
        default:
            if permit.revision == 0 {
                outcome.events.append(event("issued", "APPROVED", "rev 0"))
            } else {
                let next = try Licence(permit: permit, recordVersion: (licence.current?.recordVersion ?? 0) + 1)
                let after = try await LicenceRules.status(after: next, of: licence, now: status, context: context)
                outcome.events.append(event("reissued", after, "rev \(permit.revision)"))
            }
        }
        outcome.produced = try LicenceRules.nextRecord(from: message, of: licence, context)
        return outcome
    }

    /// The permit messages MARD sent for a number and the gateway accepted.
    static func permits(_ number: String, context: FlowContext) async throws(GatewayError) -> [PhytosanitaryPermit] {
        var permits: [PhytosanitaryPermit] = []
        for stored in try await context.store.messages(.inbound, type: "mard/phyto_imp_permit", businessKey: "licence/\(number)") {
            guard let record = stored.record else { continue }
            permits.append(try context.specs.decode(PhytosanitaryPermit.self, fromRecord: record))
        }
        return permits
    }
}

/// World §3 flow 4, 4b: a quarantine inspection result, recorded against its permit (and
/// declaration) and not forwarded. `UNKNOWN_PERMIT` for a permit never received as ISSUED.
public struct QuarantineResultStep: FlowStep {
    public let handles = "mard/qrtn_result"

    public init() {}

    public func handle(_ message: ReadMessage, signer: SignerIdentity, from partner: Partner,
                       context: FlowContext) async throws(GatewayError) -> FlowOutcome {
        let result = try message.decode(QuarantineResult.self)
        let number = result.permitNumber
        guard try await PermitStep.permits(number, context: context).contains(where: { $0.status == "ISSUED" }),
              let status = try await context.store.timeline(kind: "permit", key: number)?.status else {
            throw GatewayError(ErrorCode(rawValue: "UNKNOWN_PERMIT"), "Permit \(number) was never received as ISSUED.", path: "/qrtn_result/permit/@no")
        }
        let detail = ["\(result.result) for consignment \(result.consignmentReference)",
                      result.declarationNumber.map { "declaration \($0)" }, "inspected \(result.inspectionDate)",
                      result.certificateNumber.map { "certificate \($0)" }].compactMap { $0 }.joined(separator: ", ")
        return FlowOutcome(businessKey: "licence/\(number)", events: [
            CaseEvent(kind: "permit", key: number, event: "quarantine-result", status: status, partner: partner.id, messageId: nil,
                      signer: signer.subject, at: context.now, detail: detail),
        ])
    }
}
