import Foundation
import GatewayCore
import MessageSpecs

/// Where a flow sends a record: to the sender (as a message it receives, or as its synchronous
/// answer), or to the partners that play a role — only those the route addresses (the licensing
/// authority for an application's licence type, the NSW of the importing country).
public struct FlowRoute: Sendable {
    public enum Target: Sendable {
        case sender
        /// The synchronous answer in the sender's own format (its file's `answers`).
        case senderAtOnce
        case role(PartnerRole)
    }

    public let target: Target
    public let record: String
    /// A route that must find a partner (a licence record for customs), unlike one whose absence
    /// the flow answers itself (a certificate for a country whose NSW is not connected).
    public let required: Bool
    /// The partners of the role the route can address.
    public let addresses: @Sendable (Partner) -> Bool

    public init(_ target: Target, _ record: String, required: Bool = true, addresses: @escaping @Sendable (Partner) -> Bool = { _ in true }) {
        self.target = target
        self.record = record
        self.required = required
        self.addresses = addresses
    }
}

extension PartnerRegistry {
    /// The messages `partner` receives that carry `record`, in its file's order of specs.
    public func specs(of partner: Partner, receiving record: String, in registry: SpecRegistry) -> [String] {
        partner.receives.filter { registry.spec($0)?.spec.record == record }.sorted()
    }

    /// The partners that play `role`, pass `filter` and receive `record`, with their messages for it.
    public func destinations(_ role: PartnerRole, receiving record: String, in registry: SpecRegistry,
                             where filter: (Partner) -> Bool = { _ in true }) -> [(partner: Partner, specs: [String])] {
        partners.values.sorted { $0.id < $1.id }.compactMap { partner in
            guard partner.role == role, filter(partner) else { return nil }
            let specs = specs(of: partner, receiving: record, in: registry)
            return specs.isEmpty ? nil : (partner, specs)
        }
    }
}

extension FlowContext {
    /// `message` translated into `record` for every partner that plays `role` (and passes `filter`),
    /// each in its own format; about `businessKey`.
    func translate(_ message: ReadMessage, into record: String, for role: PartnerRole, inputs: Translator.Inputs = Translator.Inputs(),
                   businessKey: String, where filter: (Partner) -> Bool = { _ in true }) throws(GatewayError) -> [ProducedMessage] {
        var produced: [ProducedMessage] = []
        for (partner, specs) in try destinations(role, record, filter) {
            produced += try translator.translate(message, toOneOf: specs, inputs: inputs)
                .map { ProducedMessage(partner: partner.id, output: $0, businessKey: businessKey) }
        }
        return produced
    }

    /// `message` translated into `record` for `partner` (an answer to the sender) in its own format.
    func translate(_ message: ReadMessage, into record: String, for partner: Partner, inputs: Translator.Inputs = Translator.Inputs(),
                   businessKey: String) throws(GatewayError) -> [ProducedMessage] {
        let specs = partners.specs(of: partner, receiving: record, in: self.specs)
        guard !specs.isEmpty else {
            throw GatewayError(.configurationInvalid, "\(partner.id) receives no message of record \(record) (receives in \(partner.file)).")
        }
        return try translator.translate(message, toOneOf: specs, inputs: inputs)
            .map { ProducedMessage(partner: partner.id, output: $0, businessKey: businessKey) }
    }

    /// A record the hub made itself, written for every partner that plays `role` and receives it.
    func write<Record: CanonicalRecord>(_ record: Record, for role: PartnerRole, businessKey: String) throws(GatewayError) -> [ProducedMessage] {
        var produced: [ProducedMessage] = []
        for (partner, specs) in try destinations(role, Record.recordName, { _ in true }) {
            produced.append(ProducedMessage(partner: partner.id, output: try translator.write(record, asOneOf: specs, envelope: MessageEnvelope()),
                                            businessKey: businessKey))
        }
        return produced
    }

    /// The synchronous answer to `partner` in its own format (its file's `answers`), signed as its
    /// messages are unless its format is unsigned.
    func answer(_ message: ReadMessage, to partner: Partner, inputs: Translator.Inputs) throws(GatewayError) -> SynchronousAnswer {
        guard let answers = partner.answers else {
            throw GatewayError(.configurationInvalid, "\(partner.id) names no synchronous answer (answers in \(partner.file)).")
        }
        guard let output = try translator.translate(message, to: answers, inputs: inputs).first else {
            throw GatewayError(.internalError, "The answer \(answers) to \(partner.id) was not written.")
        }
        return try outbound.answer(output, for: partner.id)
    }

    private func destinations(_ role: PartnerRole, _ record: String,
                              _ filter: (Partner) -> Bool) throws(GatewayError) -> [(partner: Partner, specs: [String])] {
        let found = partners.destinations(role, receiving: record, in: specs, where: filter)
        guard !found.isEmpty else {
            throw GatewayError(.configurationInvalid, "No partner plays \(role.rawValue) and receives \(record) records (Partners/, receives).")
        }
        return found
    }
}
