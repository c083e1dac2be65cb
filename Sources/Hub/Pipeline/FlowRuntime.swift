import Foundation
import GatewayCore
import MessageSpecs
import Store

/// What the flows run with, shared by the inbound pipeline and the delivery plan: the specs and
/// their translator, the partners and the signing of messages to them, the store, the clock
/// and the steps that follow partners' answers to deliveries.
public struct FlowRuntime: Sendable {
    public let specs: SpecRegistry
    public let partners: PartnerRegistry
    public let store: GatewayStore
    let deliverySteps: [StepKey: any DeliveryStep]
    let translator: Translator
    let outbound: OutboundMessages
    public let clock: any GatewayClock
    let ids: any MessageIdSource

    public init(specs: SpecRegistry, partners: PartnerRegistry, store: GatewayStore, clock: any GatewayClock = SystemClock(),
                ids: any MessageIdSource = RandomMessageIds(), deliverySteps: [any DeliveryStep] = Flows.deliverySteps) throws(GatewayError) {
        self.specs = specs
        self.partners = partners
        self.store = store
        self.deliverySteps = Dictionary(deliverySteps.map { (StepKey(record: $0.record, role: $0.receiver), $0) }, uniquingKeysWith: { first, _ in first })
        translator = Translator(registry: specs, clock: clock, ids: ids)
        outbound = try OutboundMessages(partners: partners, ids: ids)
        self.clock = clock
        self.ids = ids
    }

    func context(at now: Date) -> FlowContext {
        FlowContext(specs: specs, translator: translator, partners: partners, store: store, outbound: outbound, now: now)
    }
}
