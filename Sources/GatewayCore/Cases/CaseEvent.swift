import Foundation

/// A change of a case that a message (or the calendar) caused: one line of its timeline.
public struct CaseEvent: Sendable, Equatable {
    public let kind: CaseKind
    public let key: String
    public let event: String
    /// The case's status after the event; nil while the case has none yet (an outbound
    /// certificate of origin before the partner NSW answered).
    public let status: CaseStatus?
    public let partner: String
    public let messageId: String?
    public let signer: String?
    public let at: Date
    /// Why, when the status alone does not say it (`AMOUNT_MISMATCH: …` of a rejected payment).
    public let detail: String?

    /// What a log line of this change carries: the case, its new status, the event and its
    /// message; not its reason, whose free text may name people and companies.
    public var logFields: [String: String] {
        var fields = ["case.kind": kind.rawValue, "case.key": key, "case.event": event, "case.status": status?.rawValue ?? "none", "partner.id": partner]
        if let messageId { fields["message.id"] = messageId }
        return fields
    }

    public init(kind: CaseKind, key: String, event: String, status: CaseStatus?, partner: String, messageId: String?, signer: String?,
                at: Date, detail: String? = nil) {
        self.kind = kind
        self.key = key
        self.event = event
        self.status = status
        self.partner = partner
        self.messageId = messageId
        self.signer = signer
        self.at = at
        self.detail = detail
    }

    /// The same event, caused by the message `id`.
    public func caused(by id: String) -> CaseEvent {
        CaseEvent(kind: kind, key: key, event: event, status: status, partner: partner, messageId: id, signer: signer, at: at, detail: detail)
    }
}

extension ErrorCode {
    /// A case changed between the moment a step read it and the moment its message was stored:
    /// the step is run again on the case as it now is. A partner sees it only when the case kept
    /// changing through every retry, as a transient 503 (world §1.3: send it again), never as a
    /// final 409 for a message that was not refused.
    public static let caseChanged = ErrorCode("CASE_CHANGED", httpStatus: 503)
}
