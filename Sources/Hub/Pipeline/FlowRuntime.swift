import Foundation
import GatewayCore
import MessageSpecs
import Store

/// What the flows run with, shared by the inbound pipeline and the delivery plan: the specs and
/// their translator, the partners and the signing of messages to them, the store, the clock
/// and the steps that follow partners' answers to deliveries.
public struct FlowRuntime: Sendable {
    public let specs: SpecRegistry
    /// The partner files in force (reloaded without a restart).
    public let configuration: PartnerConfiguration
    public let store: GatewayStore
    let deliverySteps: [StepKey: any DeliveryStep]
    let translator: Translator
    public let clock: any GatewayClock
    let ids: any MessageIdSource

    public init(specs: SpecRegistry, partners: PartnerRegistry, store: GatewayStore, clock: any GatewayClock = SystemClock(),
                ids: any MessageIdSource = RandomMessageIds(), deliverySteps: [any DeliveryStep] = Flows.deliverySteps) throws(GatewayError) {
        self.specs = specs
        configuration = try PartnerConfiguration(partners: partners, specs: specs, ids: ids)
        self.store = store
        self.deliverySteps = Dictionary(deliverySteps.map { (StepKey(record: $0.record, role: $0.receiver), $0) }, uniquingKeysWith: { first, _ in first })
        translator = Translator(registry: specs, clock: clock, ids: ids)
        self.clock = clock
        self.ids = ids
    }

    public var partners: PartnerRegistry { configuration.snapshot.partners }

    /// What a message is handled with: the partner files in force when it began.
    func context(at now: Date) -> FlowContext {
        let snapshot = configuration.snapshot
        return FlowContext(specs: specs, translator: translator, partners: snapshot.partners, store: store, outbound: snapshot.outbound, now: now)
    }
}
