import Foundation
import GatewayCore
import MessageSpecs
import Store

/// A licence or permit case as a step reads it (one row: status, facts, version) and hands it
/// back changed: the MOIT application case once its licence is approved, the MARD permit case.
struct LicenceCase {
    let kind: CaseKind
    let key: String
    let status: CaseStatus?
    let facts: LicenceFacts?
    /// A MOIT case's application around the licence; nil for a permit.
    private(set) var application: ApplicationFacts?
    /// 0 while the case has no typed state.
    let version: Int

    init(kind: CaseKind, key: String, stored: StoredCase?) throws(GatewayError) {
        self.kind = kind
        self.key = key
        status = stored?.status
        if kind == .application {
            application = try stored?.facts.map(ApplicationFacts.decoded)
            facts = application?.licence
        } else {
            application = nil
            facts = try stored?.facts.map(LicenceFacts.decoded)
        }
        version = stored?.version ?? 0
    }

    /// The case with the application its facts were missing (a case of an earlier release).
    func with(application: ApplicationFacts) -> LicenceCase {
        var filled = self
        filled.application = application
        return filled
    }

    /// The case's facts as stored: the licence's, inside its application's for a MOIT case.
    func stored(_ licence: LicenceFacts?) throws(GatewayError) -> String? {
        guard kind == .application else { return try licence?.encoded() }
        guard var application else { return nil }
        application.licence = licence
        return try application.encoded()
    }

    static func load(_ kind: CaseKind, _ key: String, context: FlowContext) async throws(GatewayError) -> LicenceCase {
        try LicenceCase(kind: kind, key: key, stored: try await context.store.storedCase(kind: kind, key: key))
    }

    /// The case of licence or permit `number`, nil when the gateway knows none.
    static func find(_ number: String, context: FlowContext) async throws(GatewayError) -> LicenceCase? {
        guard let stored = try await context.store.storedCase([.application, .permit], alias: number) else { return nil }
        return try LicenceCase(kind: stored.kind, key: stored.key, stored: stored)
    }

    static func businessKey(_ number: String) -> String { "\(TrackedKind.licence.name)/\(number)" }

    func counted(_ declaration: String) -> CaseItem {
        CaseItem(kind: kind, key: key, item: "declaration/\(declaration)")
    }

    /// What the store keeps of a transition: the case's new state at this version (with the
    /// number it is found by, and its validity end while it can still expire), its timeline
    /// lines, the items it counted, and the licence's next record for customs.
    func outcome(_ transition: LicenceLifecycle.Transition, number: String?, businessKey: String?, partner: String, signer: String?,
                 messageId: String? = nil, context: FlowContext) throws(GatewayError) -> FlowOutcome {
        let facts = transition.facts
        let expires = facts.flatMap { facts -> String? in
            guard facts.record.status == Licence.active, let status = transition.status, status != .expired, !status.isFinal else { return nil }
            return facts.record.validUntil
        }
        let update = CaseUpdate(kind: kind, key: key, expectedVersion: version, status: transition.status, facts: try stored(facts),
                                alias: facts?.record.licenceNumber ?? number, validUntil: expires)
        let events = transition.events(of: kind, key, by: partner, signer: signer, messageId: messageId, at: context.now)
        let produced = try transition.record.map { record throws(GatewayError) in
            try context.write(record, for: .customs, businessKey: Self.businessKey(record.licenceNumber))
        } ?? []
        return FlowOutcome(businessKey: businessKey, produced: produced, events: events, updates: [update],
                           items: transition.counted.map(counted))
    }
}

/// Runs a lifecycle on a message's record: its refusals name the record's fields, answered
/// with the partner's own document paths.
func deciding<T>(_ message: ReadMessage, _ body: () throws(GatewayError) -> T) throws(GatewayError) -> T {
    do {
        return try body()
    } catch {
        throw error.locatingFields(in: message.spec)
    }
}
