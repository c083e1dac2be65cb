import Foundation
import GatewayCore

/// Writing the credentials file: new entries appended with their secrets hashed, the file
/// readable by its owner only.
public enum CredentialFile {
    /// A credential as it is handed out, once: the token (and password) in clear.
    public struct Issued: Sendable {
        public let name: String
        public let role: Role
        public let token: String
        public let password: String?
    }

    /// Appends a credential with a new token (and, when given, a page password) to `file`, made
    /// if missing; the token is returned once and only its hash is written.
    @discardableResult
    public static func add(name: String, role: Role, partner: String? = nil, password: String? = nil,
                           to file: String) throws(GatewayError) -> Issued {
        var entries: [Credential] = []
        if FileManager.default.fileExists(atPath: file) {
            entries = try Credentials.load(file, partners: nil).entries
        }
        guard !entries.contains(where: { $0.name == name }) else {
            throw GatewayError(.configurationInvalid, "\(file): a credential named \(name) exists already.", path: file)
        }
        let token = Secret.newToken()
        entries.append(Credential(name: name, role: role, partner: partner, token: Secret.tokenHash(token),
                                  password: password.map { Secret.passwordHash($0) }))
        try write(entries, to: file)
        return Issued(name: name, role: role, token: token, password: password)
    }

    /// A demo operator and a demo officer with new random secrets, for a gateway started on
    /// loopback without a credentials file.
    public static func demo(to file: String) throws(GatewayError) -> [Issued] {
        [try add(name: "demo-operator", role: .operator, password: Base64URL.encode(Secret.randomBytes(9)), to: file),
         try add(name: "demo-officer", role: .officer, password: Base64URL.encode(Secret.randomBytes(9)), to: file)]
    }

    static func write(_ entries: [Credential], to file: String) throws(GatewayError) {
        do {
            let folder = (file as NSString).deletingLastPathComponent
            if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            let temporary = file + ".new"
            FileManager.default.createFile(atPath: temporary, contents: Data(try Credentials.yaml(entries).utf8),
                                           attributes: [.posixPermissions: 0o600])
            // rename(2): readers see the old file or the new one, never half of one.
            guard rename(temporary, file) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            throw GatewayError(.configurationInvalid, "\(file) cannot be written: \(error)", path: file)
        }
    }

    /// The session key: from the environment (`GATEWAY_SESSION_KEY`, 64 hex digits, the same on
    /// every instance) or a file beside the credentials, made with a new random key if missing.
    public static func sessionKey(environment: [String: String], file: String) throws(GatewayError) -> [UInt8] {
        if let text = environment["GATEWAY_SESSION_KEY"] {
            guard let key = Hex.bytes(text), key.count >= 32 else {
                throw GatewayError(.configurationInvalid, "GATEWAY_SESSION_KEY must be at least 64 hex digits (32 bytes).")
            }
            return key
        }
        if let data = FileManager.default.contents(atPath: file) {
            guard let key = Hex.bytes(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
                  key.count >= 32 else {
                throw GatewayError(.configurationInvalid, "\(file): the session key must be at least 64 hex digits.", path: file)
            }
            return key
        }
        let key = Secret.randomBytes(32)
        let folder = (file as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder.isEmpty ? "." : folder, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: file, contents: Data((Hex.lowercase(key) + "\n").utf8),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw GatewayError(.configurationInvalid, "\(file): the session key cannot be written.", path: file)
        }
        return key
    }
}
