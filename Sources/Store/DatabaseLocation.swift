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

    /// Where `serve` and the other commands find the database without a secret on the command
    /// line (where `ps` shows it): `given` (`--database`), else `GATEWAY_DATABASE_URL`, else the
    /// default; a PostgreSQL URL without a password takes `GATEWAY_DATABASE_PASSWORD` or the
    /// first line of `passwordFile`. A password in `given` is refused.
    public static func resolve(given: String?, passwordFile: String?, environment: [String: String]) throws(GatewayError) -> DatabaseLocation {
        if let given, case .postgres(let url) = try DatabaseLocation(given), URLComponents(string: url)?.password != nil {
            throw GatewayError(.configurationInvalid,
                               "The database password is on the command line, where any user of the machine can read it (ps): give the URL without it and the password in GATEWAY_DATABASE_PASSWORD or --database-password-file, or the whole URL in GATEWAY_DATABASE_URL.")
        }
        let location: DatabaseLocation
        if let text = given ?? environment["GATEWAY_DATABASE_URL"] {
            location = try DatabaseLocation(text)
        } else {
            location = defaultLocation
        }
        guard case .postgres(let url) = location, var components = URLComponents(string: url), components.password == nil else { return location }
        var password = environment["GATEWAY_DATABASE_PASSWORD"]
        if let passwordFile {
            guard let data = FileManager.default.contents(atPath: passwordFile) else {
                throw GatewayError(.configurationInvalid, "The database password file \(passwordFile) cannot be read.", path: passwordFile)
            }
            password = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init)
        }
        guard let password else { return location }
        components.password = password
        guard let withPassword = components.string else { return location }
        return .postgres(url: withPassword)
    }
}
