import Foundation

/// What a lifecycle decided about one message: the case's new status and facts, the lines it
/// adds to the case's timeline, what goes out, and what the case counts from now on.
public struct CaseTransition<Facts: Sendable & Equatable>: Sendable, Equatable {
    public var status: CaseStatus?
    public var facts: Facts?
    public var entries: [TimelineEntry]
    /// The licence's next LicenceRecord, for customs (nil when nothing is sent).
    public var record: Licence?
    /// Items the case counts once (the declaration a usage came from).
    public var counted: [String]

    public init(status: CaseStatus?, facts: Facts?, entries: [TimelineEntry], record: Licence? = nil, counted: [String] = []) {
        self.status = status
        self.facts = facts
        self.entries = entries
        self.record = record
        self.counted = counted
    }
}

extension CaseTransition {
    /// The transition's timeline lines as events of case `kind`/`key`, by `partner` at `time`.
    public func events(of kind: CaseKind, _ key: String, by partner: String, signer: String?, messageId: String? = nil,
                       at time: Date) -> [CaseEvent] {
        entries.map {
            CaseEvent(kind: kind, key: key, event: $0.event, status: $0.status, partner: partner, messageId: messageId, signer: signer,
                      at: time, detail: $0.detail)
        }
    }
}

/// One line of a case's timeline as a lifecycle decides it; the hub adds who and when.
public struct TimelineEntry: Sendable, Equatable {
    public let event: String
    public let status: CaseStatus?
    public let detail: String?

    public init(_ event: String, _ status: CaseStatus?, _ detail: String? = nil) {
        self.event = event
        self.status = status
        self.detail = detail
    }
}
