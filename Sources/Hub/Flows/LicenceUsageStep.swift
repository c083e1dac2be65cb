import Foundation
import GatewayCore
import MessageSpecs
import Signatures
import Store

/// World §3 flow 1, step 5 (table 1e): customs-core reports what a cleared declaration drew on a
/// licence; the gateway keeps the cumulative quantity per licence line. Refused as a whole, in
/// the customs-core README's order: `UNKNOWN_LICENCE`, `LICENCE_REVOKED`, `DUPLICATE_USAGE`,
/// `LICENCE_NOT_VALID`, `LINE_MISMATCH`, `QUANTITY_EXCEEDED`. The first usage makes the case
/// IN_USE; a usage after which every line is used up makes it EXHAUSTED.
public struct LicenceUsageStep: FlowStep {
    public let handles = "customs-core/LicenceUsage"

    public init() {}

    public func handle(_ message: ReadMessage, signer: SignerIdentity, from partner: Partner,
                       context: FlowContext) async throws(GatewayError) -> FlowOutcome {
        let usage = try message.decode(LicenceUsage.self)
        let licence = try await LicenceState.load(usage.licenceNumber, context: context)
        guard licence.delivered, let current = licence.current else {
            throw GatewayError(ErrorCode(rawValue: "UNKNOWN_LICENCE"),
                               "No LicenceRecord of \(usage.licenceNumber) was delivered to customs-core.", path: "/licenceNumber")
        }
        guard current.status != "REVOKED" else {
            throw GatewayError(ErrorCode(rawValue: "LICENCE_REVOKED"), "Licence \(usage.licenceNumber) was revoked.", path: "/licenceNumber")
        }
        var tally = try await Self.used(licence, context: context)
        guard !tally.declarations.contains(usage.declarationNumber) else {
            throw GatewayError(ErrorCode(rawValue: "DUPLICATE_USAGE"),
                               "Usage of \(usage.licenceNumber) by declaration \(usage.declarationNumber) was already recorded.",
                               path: "/declarationNumber")
        }
        guard usage.declarationDate >= current.validFrom, usage.declarationDate <= current.validUntil else {
            throw GatewayError(ErrorCode(rawValue: "LICENCE_NOT_VALID"),
                               "Declaration date \(usage.declarationDate) is outside the licence's validity \(current.validFrom) – \(current.validUntil).",
                               path: "/declarationDate")
        }
        for (index, line) in usage.usageLines.enumerated() {
            guard let licensed = current.goodsLines.first(where: { $0.lineNo == line.licenceLineNo }),
                  licensed.hsCode == line.hsCode, licensed.unit == line.unit else {
                throw GatewayError(ErrorCode(rawValue: "LINE_MISMATCH"),
                                   "Line \(line.licenceLineNo) (\(line.hsCode) in \(line.unit)) is not a line of licence \(usage.licenceNumber).",
                                   path: "/usageLines/\(index)")
            }
        }
        for (index, line) in usage.usageLines.enumerated() {
            let approved = current.goodsLines.first { $0.lineNo == line.licenceLineNo }?.approvedQuantity ?? 0
            let used = tally.quantity(line.licenceLineNo)
            guard used + line.quantityUsed <= approved else {
                throw GatewayError(ErrorCode(rawValue: "QUANTITY_EXCEEDED"),
                                   "Line \(line.licenceLineNo): \(used.json) already used + \(line.quantityUsed.json) exceeds the approved \(approved.json) \(line.unit).",
                                   path: "/usageLines/\(index)/quantityUsed")
            }
            tally.add(line.quantityUsed, to: line.licenceLineNo)
        }
        let status = try await licence.status(context)
        var outcome = FlowOutcome(businessKey: licence.businessKey,
                                  conditions: [Reconsider.condition(kind: licence.caseKind, key: licence.caseKey, status: status)],
                                  counts: [licence.unchanged, Reconsider.count(.inbound, handles, about: licence.businessKey, is: tally.usages)])
        let detail = "declaration \(usage.declarationNumber) of \(usage.declarationDate)"
        if status != "IN_USE" && status != "EXHAUSTED" && status != "EXPIRED" {
            outcome.events.append(licence.event("in-use", status: "IN_USE", partner: partner.id, signer: signer, at: context.now, detail: detail))
        } else {
            outcome.events.append(licence.event("used", status: status ?? "IN_USE", partner: partner.id, signer: signer, at: context.now, detail: detail))
        }
        if tally.isExhausted(current), status != "EXHAUSTED" {
            outcome.events.append(licence.event("exhausted", status: "EXHAUSTED", partner: partner.id, signer: signer, at: context.now,
                                                detail: "every line is used up"))
        }
        return outcome
    }

    /// What the accepted usages of a licence drew, line by line.
    static func used(_ licence: LicenceState, context: FlowContext) async throws(GatewayError) -> UsageTally {
        var tally = UsageTally()
        for stored in try await context.store.messages(.inbound, type: "customs-core/LicenceUsage", businessKey: licence.businessKey) {
            guard let record = stored.record else { continue }
            let usage = try context.specs.decode(LicenceUsage.self, fromRecord: record)
            tally.usages += 1
            tally.declarations.insert(usage.declarationNumber)
            for line in usage.usageLines { tally.add(line.quantityUsed, to: line.licenceLineNo) }
        }
        return tally
    }
}

/// The cumulative quantities used per licence line.
struct UsageTally {
    var usages = 0
    var declarations: Set<String> = []
    private var used: [Int: DecimalNumber] = [:]

    func quantity(_ line: Int) -> DecimalNumber { used[line] ?? 0 }

    mutating func add(_ quantity: DecimalNumber, to line: Int) {
        used[line] = self.quantity(line) + quantity
    }

    /// Every line of the licence used up to its approved quantity.
    func isExhausted(_ licence: Licence) -> Bool {
        licence.goodsLines.allSatisfy { quantity($0.lineNo) >= $0.approvedQuantity }
    }
}
