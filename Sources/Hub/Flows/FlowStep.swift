import Foundation
import GatewayCore
import MessageSpecs
import Signatures
import Store

/// What the hub knows while a message goes through a flow: the specs, the translator, the
/// partners, the store (for the state a rule needs), the signing of outbound messages and the clock.
public struct FlowContext: Sendable {
    public let specs: SpecRegistry
    public let translator: Translator
    public let partners: PartnerRegistry
    public let store: GatewayStore
    public let outbound: OutboundMessages
    public let now: Date
}

/// One outbound message a flow produced, before signing.
public struct ProducedMessage: Sendable {
    public let partner: String
    public let output: Translator.Output
    /// The business object it is about: messages about one object are delivered in order.
    public let businessKey: String

    public init(partner: String, output: Translator.Output, businessKey: String) {
        self.partner = partner
        self.output = output
        self.businessKey = businessKey
    }
}

/// The body a partner's README wants as the synchronous answer instead of the gateway's receipt
/// (an ASEAN NSW's signed ACK, BIDV's NotificationResult).
public struct SynchronousAnswer: Sendable {
    public let contentType: String
    public let body: [UInt8]

    public init(contentType: String, body: [UInt8]) {
        self.contentType = contentType
        self.body = body
    }
}

/// What a flow step decided about an accepted inbound message.
public struct FlowOutcome: Sendable {
    public var businessKey: String?
    public var produced: [ProducedMessage] = []
    public var events: [CaseEvent] = []
    /// The cases' new states, each stored only if the case is still at the version it was decided on.
    public var updates: [CaseUpdate] = []
    /// What the cases count once from now on (the declaration a usage came from).
    public var items: [CaseItem] = []
    public var answer: SynchronousAnswer?

    public init(businessKey: String?, produced: [ProducedMessage] = [], events: [CaseEvent] = [], updates: [CaseUpdate] = [],
                items: [CaseItem] = [], answer: SynchronousAnswer? = nil) {
        self.businessKey = businessKey
        self.produced = produced
        self.events = events
        self.updates = updates
        self.items = items
        self.answer = answer
    }
}

/// The business of one kind of inbound message (world §3): from its canonical record and the
/// stored state, the messages to send and the case events to record — or a refusal with the
/// partner's business code, which changes nothing. A step knows records and roles: whichever
/// partner plays the role, in whichever format, its messages of the record come here.
public protocol FlowStep: Sendable {
    /// The canonical record of the messages this step handles, and the role of their senders.
    var record: String { get }
    var sender: PartnerRole { get }
    /// What the step sends and to whom, checked against the partner files at start.
    var routes: [FlowRoute] { get }
    func handle(_ message: ReadMessage, signer: SignerIdentity, from partner: Partner, context: FlowContext) async throws(GatewayError) -> FlowOutcome
    /// The partner sent an accepted message again (same key, same bytes): it is not processed
    /// again, but a step may repeat what the partner is waiting for.
    func retransmitted(_ first: StoredMessage, context: FlowContext) async throws(GatewayError)
}

extension FlowStep {
    public var routes: [FlowRoute] { [] }
    public func retransmitted(_ first: StoredMessage, context: FlowContext) async throws(GatewayError) {}
}

/// How a partner finally answered one of the gateway's deliveries.
public struct DeliveryAnswer: Sendable {
    /// A 2xx (the partner took it) or a final refusal.
    public let accepted: Bool
    public let httpStatus: Int?
    public let body: [UInt8]

    public init(accepted: Bool, httpStatus: Int?, body: [UInt8]) {
        self.accepted = accepted
        self.httpStatus = httpStatus
        self.body = body
    }
}

/// The business of a partner's final answer to an outbound message (world §1.5: MOIT taking an
/// application makes the case APPLIED; customs-core taking an ASEAN certificate sends the ACK).
public protocol DeliveryStep: Sendable {
    /// The canonical record of the outbound messages this step follows, and the role of their receivers.
    var record: String { get }
    var receiver: PartnerRole { get }
    func delivered(_ message: StoredMessage, answer: DeliveryAnswer, context: FlowContext) async throws(GatewayError) -> FlowOutcome
}
