import Foundation
import GatewayCore
import Store

/// A case with facts of type `Facts` as a step reads it (one row) and hands it back changed,
/// against the version it read.
struct TypedCase<Facts: CaseFacts> {
    let kind: CaseKind
    let key: String
    let exists: Bool
    let status: CaseStatus?
    let facts: Facts?
    let version: Int

    static func load(_ kind: CaseKind, _ key: String, context: FlowContext) async throws(GatewayError) -> TypedCase {
        let stored = try await context.store.storedCase(kind: kind, key: key)
        return TypedCase(kind: kind, key: key, exists: stored != nil, status: stored?.status,
                         facts: try stored?.facts.map(Facts.decoded), version: stored?.version ?? 0)
    }

    /// The case's new status and facts, stored only if the case is still as it was read.
    func update(_ status: CaseStatus?, _ facts: Facts?, alias: String? = nil) throws(GatewayError) -> CaseUpdate {
        CaseUpdate(kind: kind, key: key, expectedVersion: version, status: status, facts: try facts?.encoded(), alias: alias)
    }

    /// One line of the case's timeline.
    func event(_ name: String, _ status: CaseStatus?, by partner: String, signer: String?, messageId: String? = nil, at time: Date,
               detail: String?) -> CaseEvent {
        CaseEvent(kind: kind, key: key, event: name, status: status, partner: partner, messageId: messageId, signer: signer, at: time, detail: detail)
    }
}
