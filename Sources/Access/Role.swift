/// What a credential may do. Partners send messages and read what is theirs; officers follow
/// cases; operators run the gateway.
public enum Role: String, Sendable, CaseIterable, Codable {
    /// Reads only the messages it sent or received and the cases it is party to.
    case partner
    /// The tracking API and page.
    case officer
    /// Admin routes, metrics, replays; everything an officer reads.
    case `operator`
}

/// Who a request comes from, once its credential was checked.
public struct Caller: Sendable, Equatable {
    /// The credential's name in the credentials file (an operator's, an officer's, a partner system's).
    public let name: String
    public let role: Role
    /// For the partner role: the partner id (`bank-vcb`) whose messages and cases it reads.
    public let partner: String?

    public init(name: String, role: Role, partner: String? = nil) {
        self.name = name
        self.role = role
        self.partner = partner
    }
}

extension Caller {
    /// Whether this caller reads what concerns `partner`: officers and operators read all, a
    /// partner credential its own partner's only.
    public func mayRead(partner other: String) -> Bool {
        role != .partner || partner == other
    }
}
