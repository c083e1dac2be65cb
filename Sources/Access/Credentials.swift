import Foundation
import GatewayCore
import Yams

/// One entry of the credentials file. Secrets are kept only as hashes: an API token as
/// `sha256:HEX`, an officer's or operator's page password as `pbkdf2-sha256:…`.
public struct Credential: Sendable, Codable, Equatable {
    public let name: String
    public let role: Role
    /// For the partner role: the partner id whose messages and cases it reads.
    public let partner: String?
    public let token: String?
    public let password: String?

    public init(name: String, role: Role, partner: String? = nil, token: String? = nil, password: String? = nil) {
        self.name = name
        self.role = role
        self.partner = partner
        self.token = token
        self.password = password
    }

    var caller: Caller { Caller(name: name, role: role, partner: partner) }
}

/// The credentials the gateway accepts, read from a YAML file (README "Access rights"):
///
/// ```yaml
/// credentials:
///   - name: ops-lan
///     role: operator
///     token: sha256:9f86d08…
///   - name: officer-huong
///     role: officer
///     token: sha256:…
///     password: pbkdf2-sha256:600000:…
///   - name: vcb-integration
///     role: partner
///     partner: bank-vcb
///     token: sha256:…
/// ```
public struct Credentials: Sendable {
    public let file: String
    public let entries: [Credential]
    private let tokenDigests: [[UInt8]?]

    struct FileContents: Codable {
        var credentials: [Credential]
    }

    public init(file: String, entries: [Credential]) {
        self.file = file
        self.entries = entries
        tokenDigests = entries.map { entry in entry.token.flatMap { Hex.bytes(String($0.dropFirst("sha256:".count))) } }
    }

    /// Reads and checks the file: every entry named once, with a known role, a secret, and for
    /// partners a partner id (one of `partners`, when given).
    public static func load(_ file: String, partners: Set<String>?) throws(GatewayError) -> Credentials {
        func failure(_ reason: String) -> GatewayError {
            GatewayError(.configurationInvalid, "\(file): \(reason)", path: file)
        }
        guard let data = FileManager.default.contents(atPath: file) else { throw failure("cannot be read") }
        let contents: FileContents
        do {
            contents = try YAMLDecoder().decode(FileContents.self, from: data)
        } catch {
            throw failure("is not a credentials file (credentials: a list of name, role, token or password): \(error)")
        }
        var names = Set<String>()
        for (index, entry) in contents.credentials.enumerated() {
            let place = "credentials[\(index)] (\(entry.name))"
            guard !entry.name.isEmpty, names.insert(entry.name).inserted else { throw failure("\(place): the name is empty or used twice") }
            guard entry.token != nil || entry.password != nil else { throw failure("\(place): has neither a token nor a password") }
            if let token = entry.token {
                guard token.hasPrefix("sha256:"), let digest = Hex.bytes(String(token.dropFirst(7))), digest.count == 32 else {
                    throw failure("\(place): token must be sha256: and 64 hex digits (the hash, never the token itself)")
                }
            }
            if let password = entry.password, !password.hasPrefix("pbkdf2-sha256:") || password.split(separator: ":").count != 4 {
                throw failure("\(place): password must be a pbkdf2-sha256: hash (gateway credentials add --password-stdin makes one)")
            }
            switch (entry.role, entry.partner) {
            case (.partner, nil): throw failure("\(place): a partner credential names its partner")
            case (.partner, let partner?) where partners.map({ !$0.contains(partner) }) ?? false:
                throw failure("\(place): partner \(partner) is not a configured partner (\(partners?.sorted().joined(separator: ", ") ?? ""))")
            case (.officer, _?), (.operator, _?): throw failure("\(place): only a partner credential names a partner")
            default: break
            }
        }
        return Credentials(file: file, entries: contents.credentials)
    }

    /// The caller a bearer token belongs to. Every entry is compared, in constant time, so the
    /// answer's timing tells nothing about which entries are near.
    public func caller(token: String) -> Caller? {
        let presented = Secret.sha256(Array(token.utf8))
        var found: Caller?
        for (entry, digest) in zip(entries, tokenDigests) {
            if let digest, Secret.equal(digest, presented) { found = entry.caller }
        }
        return found
    }

    /// The caller a page sign-in belongs to; partners sign in with tokens only.
    public func caller(name: String, password: String) -> Caller? {
        guard let entry = entries.first(where: { $0.name == name }), entry.role != .partner, let stored = entry.password else {
            // As long as a real check: a missing name is not told apart by the time it takes.
            _ = Secret.passwordMatches(password, Self.decoy)
            return nil
        }
        return Secret.passwordMatches(password, stored) ? entry.caller : nil
    }

    /// The caller of a still-listed name (a session names its credential: removing the entry ends it).
    public func caller(named name: String) -> Caller? {
        entries.first { $0.name == name }?.caller
    }

    private static let decoy = Secret.passwordHash("decoy")

    /// The file's text for these entries.
    public static func yaml(_ entries: [Credential]) throws -> String {
        "# Single Window Gateway credentials: hashes only (README \"Access rights\"). gateway credentials add appends.\n"
            + (try YAMLEncoder().encode(FileContents(credentials: entries)))
    }
}
