/// A case kind's typed facts, kept as JSON with the case and changed by each message about it
/// (`MessageSpecs` writes and reads them).
public protocol CaseFacts: Codable, Sendable, Equatable {}
