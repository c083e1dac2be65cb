import Foundation
import GatewayCore
import MessageSpecs
import Store

/// What an officer or a trader asks the gateway: where a licence, an application, a payment, a
/// certificate or a declaration stands, and everything that happened to it (world §1.5).
public struct CaseTracking: Sendable {
    let runtime: FlowRuntime

    public init(runtime: FlowRuntime) {
        self.runtime = runtime
    }

    /// One tracked object: its current status, its timeline, and what it is linked to.
    public struct TrackedCase: Sendable, Equatable {
        public let kind: TrackedKind
        public let key: String
        public let status: CaseStatus?
        public let events: [CaseEvent]
        /// Facts beside the timeline (the licence's current record, the tax notice a payment settled).
        public let facts: TrackedFacts
        /// Other cases it belongs with (the licence of an application, the notice of a payment).
        public let related: [Reference]
    }

    public struct Reference: Sendable, Equatable, Hashable {
        public let kind: TrackedKind
        public let key: String
    }

    public func find(_ lookup: TrackingLookup, _ key: String) async throws(GatewayError) -> TrackedCase? {
        let context = runtime.context(at: runtime.clock.now())
        switch lookup {
        case .licence: return try await licence(key, context)
        case .application: return try await application(key, context)
        case .payment: return try await payment(key, context)
        case .certificate: return try await plain(.certificate, key, context)
        case .declaration:
            if let declaration = try await plain(.exportDeclaration, key, context) { return declaration }
            return try await taxNotice(declaration: key, context)
        }
    }

    /// Any lookup that knows this key, in their order: what the search box does.
    public func search(_ key: String) async throws(GatewayError) -> TrackedCase? {
        let trimmed = key.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        // The trade writes its numbers in capitals (GPNK-BCT, IA-…, TB-…); typed in small letters
        // they are looked up as written and then in capitals, each an indexed lookup.
        for candidate in [trimmed, trimmed.uppercased()].reduce(into: [String](), { if !$0.contains($1) { $0.append($1) } }) {
            for lookup in TrackingLookup.allCases {
                if let found = try await find(lookup, candidate) { return found }
            }
            if let notice = try await plain(.taxNotice, candidate, runtime.context(at: runtime.clock.now())) { return notice }
        }
        return nil
    }

    private func plain(_ kind: CaseKind, _ key: String, _ context: FlowContext) async throws(GatewayError) -> TrackedCase? {
        guard let timeline = try await context.store.timeline(kind: kind, key: key) else { return nil }
        let stored = try await context.store.storedCase(kind: kind, key: key)
        let facts: TrackedFacts? = switch kind {
        case .taxNotice: try stored?.facts.map(TaxNoticeFacts.decoded).map(TrackedFacts.init)
        case .certificate, .exportDeclaration: try stored?.facts.map(DocumentFacts.decoded).map(TrackedFacts.init)
        default: nil
        }
        return TrackedCase(kind: .of(kind), key: key, status: timeline.status, events: timeline.events, facts: facts ?? TrackedFacts(), related: [])
    }

    /// A licence or permit by its number — refused and revoked ones too — with its current record
    /// and the quantity used per line, from the case's facts.
    private func licence(_ number: String, _ context: FlowContext) async throws(GatewayError) -> TrackedCase? {
        guard let licenceCase = try await LicenceCase.find(number, context: context),
              let timeline = try await context.store.timeline(kind: licenceCase.kind, key: licenceCase.key) else {
            return nil
        }
        let related = licenceCase.facts?.record.applicationId.map { [Reference(kind: .of(.application), key: $0)] } ?? []
        return TrackedCase(kind: .licence, key: number, status: timeline.status, events: timeline.events,
                           facts: licenceCase.facts.map(TrackedFacts.init) ?? TrackedFacts(), related: related)
    }

    private func application(_ id: String, _ context: FlowContext) async throws(GatewayError) -> TrackedCase? {
        guard let timeline = try await context.store.timeline(kind: .application, key: id) else { return nil }
        let licence = try await LicenceCase.load(.application, id, context: context).facts
        return TrackedCase(kind: .of(.application), key: id, status: timeline.status, events: timeline.events,
                           facts: licence.map(TrackedFacts.init) ?? TrackedFacts(),
                           related: licence.map { [Reference(kind: .licence, key: $0.record.licenceNumber)] } ?? [])
    }

    private func payment(_ ref: String, _ context: FlowContext) async throws(GatewayError) -> TrackedCase? {
        guard let timeline = try await context.store.timeline(kind: .payment, key: ref) else { return nil }
        let facts = try await context.store.storedCase(kind: .payment, key: ref)?.facts.map(PaymentFacts.decoded)
        return TrackedCase(kind: .of(.payment), key: ref, status: timeline.status, events: timeline.events,
                           facts: facts.map(TrackedFacts.init) ?? TrackedFacts(),
                           related: facts.map { [Reference(kind: .of(.taxNotice), key: $0.taxNoticeNumber)] } ?? [])
    }

    /// The tax notice of a customs declaration, when a person types the declaration number.
    private func taxNotice(declaration: String, _ context: FlowContext) async throws(GatewayError) -> TrackedCase? {
        guard let notice = try await context.store.storedCase([.taxNotice], alias: declaration) else { return nil }
        return try await plain(.taxNotice, notice.key, context)
    }
}
