import Foundation
import GatewayCore
import MessageSpecs

/// The partner files checked against the flows at start: every message a partner may send is
/// handled by a flow for its role, and every record a flow sends reaches partners that receive
/// it. A file that breaks this stops the start, naming the file and the line of its `receives`.
public enum FlowRoutes {
    public static func check(_ steps: [any FlowStep] = Flows.steps, partners registry: PartnerRegistry, specs: SpecRegistry) throws(GatewayError) {
        let byKey = Dictionary(steps.map { (StepKey(record: $0.record, role: $0.sender), $0) }, uniquingKeysWith: { first, _ in first })
        for partner in registry.partners.values.sorted(by: { $0.id < $1.id }) {
            for type in partner.sends.sorted() {
                guard let record = specs.spec(type)?.spec.record else { continue }
                guard let step = byKey[StepKey(record: record, role: partner.role)] else {
                    throw failure(partner, "it sends \(type), but no flow takes a \(record) from a \(partner.role.rawValue)")
                }
                for route in step.routes { try check(route, of: type, from: partner, registry: registry, specs: specs) }
            }
        }
    }

    private static func check(_ route: FlowRoute, of type: String, from partner: Partner, registry: PartnerRegistry,
                              specs: SpecRegistry) throws(GatewayError) {
        switch route.target {
        case .sender:
            guard !registry.specs(of: partner, receiving: route.record, in: specs).isEmpty else {
                throw failure(partner, "it sends \(type), which is answered with a \(route.record) message, but it receives none")
            }
        case .senderAtOnce:
            guard let answers = partner.answers, specs.spec(answers)?.spec.record == route.record else {
                throw failure(partner, "it sends \(type), which is answered at once with a \(route.record) message: name it in answers")
            }
        case .role(let role):
            let addressed = registry.partners.values.filter { $0.role == role && route.addresses($0) }.sorted { $0.id < $1.id }
            for receiver in addressed where registry.specs(of: receiver, receiving: route.record, in: specs).isEmpty {
                throw failure(receiver, "the flow of \(type) sends \(route.record) records to each \(role.rawValue) it addresses, but it receives none")
            }
            if route.required, addressed.isEmpty {
                throw failure(partner, "it sends \(type), whose \(route.record) records go to a \(role.rawValue), but no partner file plays \(role.rawValue)")
            }
        }
    }

    private static func failure(_ partner: Partner, _ reason: String) -> GatewayError {
        GatewayError(.configurationInvalid, "\(partner.file):\(partner.receivesLine): \(reason).", path: "\(partner.file):\(partner.receivesLine)")
    }
}
