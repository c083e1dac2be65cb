import Foundation
import GatewayCore
import HardenedXML

/// Translates a partner message into another partner's message: A → canonical record → B, with
/// the world's rules (§3) between the records. Rules that need stored state take it as input:
/// `context` holds the stored messages a rule needs, `verdicts` the decisions the hub took.
/// Generated ids and times come from the injected sources, so output is deterministic.
public struct Translator: Sendable {
    public let registry: SpecRegistry
    public let clock: any GatewayClock
    public let ids: any MessageIdSource
    /// The NSW's own country code in ASEAN exchanges.
    public let ownNSW: String

    public init(registry: SpecRegistry, clock: any GatewayClock = SystemClock(), ids: any MessageIdSource = RandomMessageIds(),
                ownNSW: String = "VN") {
        self.registry = registry
        self.clock = clock
        self.ids = ids
        self.ownNSW = ownNSW
    }

    /// What a translation needs besides the message itself.
    public struct Inputs: Sendable {
        public var context: [ReadMessage]
        public var verdicts: [Verdict]

        public init(context: [ReadMessage] = [], verdicts: [Verdict] = []) {
            self.context = context
            self.verdicts = verdicts
        }
    }

    /// One produced message: which spec, its envelope and its bytes (valid against the target schema).
    public struct Output: Sendable {
        public let spec: MessageSpec
        public let envelope: MessageEnvelope
        public let bytes: [UInt8]
        /// The canonical record the message was written from.
        public let record: JSONValue
    }

    public func translate(_ message: ReadMessage, to target: String, inputs: Inputs = Inputs()) throws(GatewayError) -> [Output] {
        try translate(message, toOneOf: [target], inputs: inputs)
    }

    /// `message` translated into the record of `targets` (messages of one partner, all of one
    /// record), each record written as the first target that carries it.
    public func translate(_ message: ReadMessage, toOneOf targets: [String], inputs: Inputs = Inputs()) throws(GatewayError) -> [Output] {
        let compiled = try outbound(targets)
        guard let route = Routes.all.first(where: { $0.from == message.spec.record && $0.to == compiled[0].spec.record }) else {
            let possible = self.targets(of: message.spec).map(\.key).sorted()
            throw GatewayError(.configurationInvalid,
                "There is no translation from \(message.spec.key) to \(targets.joined(separator: ", "))\(possible.isEmpty ? "" : " (possible: \(possible.joined(separator: ", ")))").")
        }
        var outputs: [Output] = []
        for (record, hints) in try route.derive(message, inputs, self) {
            outputs.append(try write(record, with: compiled.first { $0.spec.carries(record) } ?? compiled[0], envelope: hints))
        }
        return outputs
    }

    /// Writes a record the gateway made itself (a licence's next record, an ASEAN ACK refusing a
    /// message that could not be read) as the first of `targets` that carries it, with a new id and send time.
    public func write<Record: CanonicalRecord>(_ record: Record, asOneOf targets: [String], envelope: MessageEnvelope) throws(GatewayError) -> Output {
        let compiled = try outbound(targets)
        let value = try TranslationInput.encode(record)
        return try write(value, with: compiled.first { $0.spec.carries(value) } ?? compiled[0], envelope: envelope)
    }

    public func write<Record: CanonicalRecord>(_ record: Record, as target: String, envelope: MessageEnvelope) throws(GatewayError) -> Output {
        try write(record, asOneOf: [target], envelope: envelope)
    }

    /// The specs of `targets`, each one the gateway writes; at least one.
    private func outbound(_ targets: [String]) throws(GatewayError) -> [CompiledSpec] {
        var compiled: [CompiledSpec] = []
        for target in targets {
            guard let spec = registry.spec(target) else {
                throw GatewayError(.configurationInvalid, "No spec \(target) is loaded (known: \(registry.specs.map(\.key).sorted().joined(separator: ", "))).")
            }
            guard spec.spec.isOutbound else {
                throw GatewayError(.configurationInvalid, "\(target) is a message partners send to the gateway; the gateway does not write it.")
            }
            compiled.append(spec)
        }
        guard !compiled.isEmpty else { throw GatewayError(.configurationInvalid, "A translation needs a message to write.") }
        return compiled
    }

    private func write(_ record: JSONValue, with compiled: CompiledSpec, envelope hints: MessageEnvelope) throws(GatewayError) -> Output {
        guard compiled.spec.carries(record) else {
            let cases = compiled.spec.when.map { "\($0.field) is \($0.values.joined(separator: " or "))" }.joined(separator: " and ")
            throw GatewayError(.configurationInvalid, "\(compiled.spec.key) carries a \(compiled.spec.record) only when \(cases).")
        }
        var envelope = hints
        envelope.messageId = ids.next()
        envelope.sentAt = VietnamTime.timestamp(clock.now())
        // Nothing leaves the gateway that the receiving partner's schema would refuse.
        let (bytes, errors) = try compiled.render(record, envelope: envelope, parser: HardenedXMLParser())
        guard errors.isEmpty else {
            throw GatewayError(.internalError, "The translation to \(compiled.spec.key) is not valid against its schema: \(errors[0].sentence)",
                               details: errors)
        }
        return Output(spec: compiled.spec, envelope: envelope, bytes: bytes, record: record)
    }

    var now: String { VietnamTime.timestamp(clock.now()) }

    /// The messages `source` translates into: the other messages the gateway writes whose record
    /// a translation makes from its record.
    public func targets(of source: MessageSpec) -> [MessageSpec] {
        let records = Set(Routes.all.filter { $0.from == source.record }.map(\.to))
        return registry.specs.filter { $0.isOutbound && $0.key != source.key && records.contains($0.record) }
    }

    /// The translations between the loaded specs, as (from, to, what else they need).
    public var routes: [(from: String, to: String, needs: String?)] {
        registry.specs.filter(\.isInbound).sorted { $0.key < $1.key }.flatMap { source in
            targets(of: source).sorted { $0.key < $1.key }.map { target in
                (source.key, target.key, Routes.all.first { $0.from == source.record && $0.to == target.record }?.needs)
            }
        }
    }
}

/// One translation of world §3: from a canonical record to a canonical record, and the rule between them.
struct Route: Sendable {
    typealias Derivation = @Sendable (ReadMessage, Translator.Inputs, Translator) throws(GatewayError) -> [(JSONValue, MessageEnvelope)]

    let from: String
    let to: String
    /// What the route needs in `Inputs`, for error messages and `gateway specs`.
    let needs: String?
    let derive: Derivation
}

enum TranslationInput {
    static func encode<T: Encodable>(_ record: T) throws(GatewayError) -> JSONValue {
        do {
            return try RecordEncoder.encode(record)
        } catch {
            throw GatewayError(.internalError, "The record cannot be encoded: \(error)")
        }
    }

    /// The stored message of record `T` in the context that `matches`, the latest by `order` when several do.
    static func context<T: CanonicalRecord>(_ inputs: Translator.Inputs, as type: T.Type,
                                            needs: String, matching matches: (T) -> Bool,
                                            latest order: (T, T) -> Bool) throws(GatewayError) -> T {
        var found: [T] = []
        for message in inputs.context where message.spec.record == T.recordName {
            let record = try message.decode(T.self)
            if matches(record) { found.append(record) }
        }
        guard let latest = found.max(by: order) else {
            throw GatewayError(.configurationInvalid, "This translation needs \(needs) in its context.")
        }
        return latest
    }
}
