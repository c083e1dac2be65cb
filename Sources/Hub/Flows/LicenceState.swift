import Foundation
import GatewayCore
import MessageSpecs
import Signatures
import Store

/// A licence (MOIT) or permit (MARD) as the gateway knows it: the LicenceRecords it sent to
/// customs-core, the last of which is the licence's current state, and the case its events go to
/// (the application for MOIT, world §1.5; the permit for MARD).
struct LicenceState {
    static let recordType = "customs-core/LicenceRecord"

    let number: String
    let records: [StoredMessage]
    /// The same records read, once: the context of the licence's next record.
    let sent: [ReadMessage]
    /// The last record sent, nil before the first.
    let current: Licence?
    /// customs-core took at least one record (a licence not yet delivered is unknown to it).
    let delivered: Bool

    var businessKey: String { "licence/\(number)" }

    static func load(_ number: String, context: FlowContext) async throws(GatewayError) -> LicenceState {
        let records = try await context.store.messages(.outbound, type: recordType, businessKey: "licence/\(number)")
        var current: Licence?
        var sent: [ReadMessage] = []
        for message in records {
            let read = try context.specs.read(try UnverifiedPayload.of(String(decoding: message.body, as: UTF8.self)))
            let licence = try read.decode(Licence.self)
            if licence.recordVersion > current?.recordVersion ?? 0 { current = licence }
            sent.append(read)
        }
        return LicenceState(number: number, records: records, sent: sent, current: current,
                            delivered: records.contains { $0.status == "DELIVERED" })
    }

    /// The case of the licence: its application (MOIT) or the permit itself (MARD).
    var caseKind: String { current?.applicationId == nil ? "permit" : "application" }
    var caseKey: String { current?.applicationId ?? number }

    /// The decision was taken on these records; another record meanwhile means deciding again.
    var unchanged: MessageCountCondition { Reconsider.count(.outbound, Self.recordType, about: businessKey, is: records.count) }

    func event(_ event: String, status: String, partner: String, signer: SignerIdentity?, at time: Date, detail: String?) -> CaseEvent {
        CaseEvent(kind: caseKind, key: caseKey, event: event, status: status, partner: partner, messageId: nil,
                  signer: signer?.subject, at: time, detail: detail)
    }

    /// The case's status now.
    func status(_ context: FlowContext) async throws(GatewayError) -> String? {
        try await context.store.timeline(kind: caseKind, key: caseKey)?.status
    }
}
