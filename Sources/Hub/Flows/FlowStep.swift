import Foundation
import GatewayCore
import MessageSpecs
import Signatures
import Store

/// What the hub knows while a message goes through a flow: the specs, the translator, the
/// partners, the store (for the state a rule needs) and the clock.
public struct FlowContext: Sendable {
    public let specs: SpecRegistry
    public let translator: Translator
    public let partners: PartnerRegistry
    public let store: GatewayStore
    public let now: Date
}

/// One outbound message a flow produced, before signing.
public struct ProducedMessage: Sendable {
    public let partner: String
    public let output: Translator.Output
    /// The business object it is about: messages about one object are delivered in order.
    public let businessKey: String
}

/// What a flow step decided about an accepted inbound message.
public struct FlowOutcome: Sendable {
    public var businessKey: String?
    public var produced: [ProducedMessage] = []
    public var events: [CaseEvent] = []
    /// What the cases must still be when the message is stored.
    public var conditions: [CaseCondition] = []

    public init(businessKey: String?, produced: [ProducedMessage] = [], events: [CaseEvent] = [], conditions: [CaseCondition] = []) {
        self.businessKey = businessKey
        self.produced = produced
        self.events = events
        self.conditions = conditions
    }
}

/// The business of one kind of inbound message (world §3): from its canonical record and the
/// stored state, the messages to send and the case events to record — or a refusal with the
/// partner's business code, which changes nothing.
public protocol FlowStep: Sendable {
    /// The `partner/type` of the messages this step handles.
    var handles: String { get }
    func handle(_ message: ReadMessage, signer: SignerIdentity, from partner: Partner, context: FlowContext) async throws(GatewayError) -> FlowOutcome
}
