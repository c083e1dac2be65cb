import Foundation
import GatewayCore
import MessageSpecs
import Store

/// Fills the facts of licence and permit cases recorded before cases kept them (schema 3 and
/// earlier), once, from their history: the records sent to customs-core and the usages accepted.
/// Run at start; a licence whose case has facts is not read again.
public struct LicenceFactsBackfill: Sendable {
    let runtime: FlowRuntime

    public init(runtime: FlowRuntime) {
        self.runtime = runtime
    }

    /// The licence numbers whose facts it filled.
    @discardableResult
    public func run() async throws(GatewayError) -> [String] {
        let context = runtime.context(at: runtime.clock.now())
        let prefix = LicenceCase.businessKey("")
        let types = Types(specs: context.specs)
        var filled: [String] = []
        for type in types.records {
            for key in try await context.store.businessKeysWithoutFacts(outbound: type, keyPrefix: prefix) {
                let number = String(key.dropFirst(prefix.count))
                if try await fill(number, businessKey: key, types: types, context: context) { filled.append(number) }
            }
        }
        return filled
    }

    /// The messages a licence's history is in: the licence records sent, the usages received and
    /// the applications filed.
    struct Types {
        let records: [String]
        let usages: [String]
        let applications: [String]

        init(specs: SpecRegistry) {
            records = specs.specs.filter { $0.isOutbound && $0.record == Licence.recordName }.map(\.key)
            usages = specs.specs.filter { $0.isInbound && $0.record == LicenceUsage.recordName }.map(\.key)
            applications = specs.specs.filter { $0.isInbound && $0.record == LicenceApplication.recordName }.map(\.key)
        }
    }

    private func fill(_ number: String, businessKey: String, types: Types, context: FlowContext) async throws(GatewayError) -> Bool {
        var records: [StoredMessage] = []
        for type in types.records { records += try await context.store.messages(.outbound, type: type, businessKey: businessKey) }
        var current: Licence?
        var delivered = false
        for message in records {
            let record = try context.record(Licence.self, of: message)
            if record.recordVersion > current?.recordVersion ?? 0 { current = record }
            if record.recordVersion == 1, message.status == .delivered { delivered = true }
        }
        guard let current else { return false }
        // A MARD permit's record carries its revision as the amendment number (world §3, 4a).
        let kind: CaseKind = current.applicationId == nil ? .permit : .application
        var facts = LicenceFacts(record: current, revision: kind == .permit ? current.amendmentNo : nil)
        facts.deliveredToCustoms = delivered
        var licenceCase = try LicenceCase(kind: kind, key: current.applicationId ?? number,
                                          stored: try await context.store.storedCase(kind: kind, key: current.applicationId ?? number))
        if kind == .application, licenceCase.application == nil,
           let record = try await context.store.latestInbound(types: types.applications, businessKey: CaseKind.application.businessKey(licenceCase.key))?.record {
            let application = try context.specs.decode(LicenceApplication.self, fromRecord: record)
            licenceCase = licenceCase.with(application: ApplicationFacts(submitted: application.submissionNo))
        }
        var items: [CaseItem] = []
        var usages: [StoredMessage] = []
        for type in types.usages { usages += try await context.store.messages(.inbound, type: type, businessKey: businessKey) }
        for message in usages {
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
