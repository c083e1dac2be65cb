import SQLKit

/// A state or status in a statement, as the SQL literal it is stored as. Not bound: the
/// statement's text, so its prepared form (and PostgreSQL's plan for it), stays the same,
/// and the spelling is the enum's alone.
extension SQLQueryString {
    mutating func appendInterpolation(state: OutboxState) {
        appendInterpolation(literal: state.rawValue)
    }

    /// `('pending', 'delivering')`, for `IN`.
    mutating func appendInterpolation(states: [OutboxState]) {
        appendInterpolation(unsafeRaw: "(")
        appendInterpolation(literals: states.map(\.rawValue), joinedBy: ", ")
        appendInterpolation(unsafeRaw: ")")
    }

    mutating func appendInterpolation(status: MessageStatus) {
        appendInterpolation(literal: status.rawValue)
    }

    mutating func appendInterpolation(direction: MessageDirection) {
        appendInterpolation(literal: direction.rawValue)
    }
}
