import Foundation
import GatewayCore

/// Where the store lives: `sqlite:PATH` (the embedded default, `sqlite:var/gateway.sqlite`) or
/// a `postgres://user:password@host:port/database` URL shared by several gateway processes.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    public static let defaultLocation = DatabaseLocation.sqlite(path: "var/gateway.sqlite")

    public init(_ text: String) throws(GatewayError) {
        if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else {
                throw GatewayError(.configurationInvalid, "The database \(text) names no file: use sqlite:PATH, e.g. sqlite:var/gateway.sqlite.")
            }
            self = .sqlite(path: path)
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(url: text)
        } else {
            throw GatewayError(.configurationInvalid, "The database \(text) is neither sqlite:PATH nor a postgres:// URL.")
        }
    }

    /// Without the password, for logs and messages.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url):
            url.replacingOccurrences(of: #"://([^:@/]+):[^@/]*@"#, with: "://$1:***@", options: .regularExpression)
        }
    }
}
