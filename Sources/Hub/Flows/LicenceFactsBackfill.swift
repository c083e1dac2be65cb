import Foundation
import GatewayCore
import MessageSpecs
import Signatures
import Store

/// Fills the facts of licence and permit cases recorded before cases kept them (schema 3 and
/// earlier), once, from their history: the records sent to customs-core and the usages accepted.
/// Run at start; a licence whose case has facts is not read again.
public struct LicenceFactsBackfill: Sendable {
    let runtime: FlowRuntime

    public init(runtime: FlowRuntime) {
        self.runtime = runtime
    }

    static let usageType = "customs-core/LicenceUsage"

    /// The licence numbers whose facts it filled.
    @discardableResult
    public func run() async throws(GatewayError) -> [String] {
        let context = runtime.context(at: runtime.clock.now())
        let prefix = LicenceCase.businessKey("")
        var filled: [String] = []
        for key in try await context.store.businessKeysWithoutFacts(outbound: LicenceCase.recordType, keyPrefix: prefix) {
            let number = String(key.dropFirst(prefix.count))
            if try await fill(number, businessKey: key, context: context) { filled.append(number) }
        }
        return filled
    }

    private func fill(_ number: String, businessKey: String, context: FlowContext) async throws(GatewayError) -> Bool {
        let records = try await context.store.messages(.outbound, type: LicenceCase.recordType, businessKey: businessKey)
        var current: Licence?
        var delivered = false
        for message in records {
            let record = try context.specs.read(try UnverifiedPayload.of(String(decoding: message.body, as: UTF8.self))).decode(Licence.self)
            if record.recordVersion > current?.recordVersion ?? 0 { current = record }
            if record.recordVersion == 1, message.status == "DELIVERED" { delivered = true }
        }
        guard let current else { return false }
        // A MARD permit's record carries its revision as the amendment number (world §3, 4a).
        let kind: CaseKind = current.applicationId == nil ? .permit : .application
        var facts = LicenceFacts(record: current, revision: kind == .permit ? current.amendmentNo : nil)
        facts.deliveredToCustoms = delivered
        let licenceCase = try LicenceCase(kind: kind, key: current.applicationId ?? number,
                                          stored: try await context.store.storedCase(kind: kind, key: current.applicationId ?? number))
        var items: [CaseItem] = []
        for message in try await context.store.messages(.inbound, type: Self.usageType, businessKey: businessKey) {
            guard let record = message.record else { continue }
            let usage = try context.specs.decode(LicenceUsage.self, fromRecord: record)
            for line in usage.usageLines { facts.add(line.quantityUsed, to: line.licenceLineNo) }
            facts.usages += 1
            items.append(licenceCase.counted(usage.declarationNumber))
        }
        if licenceCase.status == .expired {
            let timeline = try await context.store.timeline(kind: kind, key: licenceCase.key)
            facts.statusBeforeExpiry = timeline?.events.last { $0.status != .expired && $0.status != nil }?.status
        }
        let transition = LicenceLifecycle.Transition(status: licenceCase.status, facts: facts, entries: [])
        let outcome = try licenceCase.outcome(transition, number: number, businessKey: nil, partner: "gateway", signer: nil, context: context)
        do {
            try await context.store.append([], updates: outcome.updates, items: items, at: context.now)
        } catch where error.code == .caseChanged {
            // A message changed the case meanwhile; it is filled at the next start.
            return false
        }
        return true
    }
}
