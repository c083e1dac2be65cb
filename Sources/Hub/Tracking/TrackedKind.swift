import GatewayCore

/// What a tracked case is, as the tracking API and page name it: one of the hub's case kinds,
/// or a licence — a licence or permit found by its number through the case that holds it.
/// `name` is also the first part of the business key of the messages about it.
public enum TrackedKind: Sendable, Hashable, CustomStringConvertible {
    case licence
    case of(CaseKind)

    public var name: String {
        switch self {
        case .licence: "licence"
        case .of(let kind): kind.rawValue
        }
    }

    public var description: String { name }
}

/// What a person asks for, in the words of the trade: each is a path of the tracking API, and
/// the tracking page's search tries them in this order.
public enum TrackingLookup: String, Sendable, CaseIterable {
    case licence, application, payment, certificate
    /// An ASEAN export declaration by its number, or the tax notice of a customs declaration.
    case declaration
}
