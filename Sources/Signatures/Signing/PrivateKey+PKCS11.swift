import COpenSSL
import Foundation
import GatewayCore
import Synchronization

/// Keys that never leave a PKCS#11 token (an HSM, or SoftHSM2 in tests): a key folder holds
/// `key.pkcs11` — one line, the key's PKCS#11 URI (RFC 7512) — instead of `key.pem`. The token's PIN
/// comes the way a key's passphrase does (GATEWAY_KEY_PASSPHRASE or --key-passphrase-file). The
/// URI's `module-path` query attribute names the token's library; without it the engine's default
/// (p11-kit's proxy, which finds the modules Debian registers).
extension PrivateKey {
    /// The key file of a folder: `key.pkcs11` when there is one, else `key.pem`.
    public static func file(in folder: String) -> String {
        let token = "\(folder)/key.pkcs11"
        return FileManager.default.fileExists(atPath: token) ? token : "\(folder)/key.pem"
    }

    /// Reads a key file: a PKCS#11 reference (`*.pkcs11`) or PEM.
    public static func load(file: String, passphrase: String?) throws(GatewayError) -> PrivateKey {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw GatewayError(.configurationInvalid, "The private key file \(file) cannot be read.", path: file)
        }
        do throws(GatewayError) {
            guard file.hasSuffix(".pkcs11") else { return try PrivateKey(pem: Array(data), passphrase: passphrase) }
            let uri = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            return try PrivateKey(pkcs11: uri.trimmingCharacters(in: .whitespaces), pin: passphrase)
        } catch {
            throw GatewayError(error.code, "\(file): \(error.message)", path: file)
        }
    }

    /// The key a PKCS#11 URI names, opened with the token's `pin`.
    public convenience init(pkcs11 uri: String, pin: String?) throws(GatewayError) {
        guard uri.hasPrefix("pkcs11:") else {
            throw GatewayError(.configurationInvalid, "A PKCS#11 key is named by a URI beginning pkcs11: (RFC 7512), such as pkcs11:token=gateway;object=receipt;type=private.")
        }
        let parts = uri.split(separator: "?", maxSplits: 1)
        let module = parts.count > 1 ? parts[1].split(separator: "&").first { $0.hasPrefix("module-path=") }.map { String($0.dropFirst("module-path=".count)) } : nil
        let engine = try PKCS11Engines.engine(module: module?.removingPercentEncoding)
        let key = String(parts[0]).withCString { reference in
            pin.map { pin in pin.withCString { gateway_pkcs11_private_key(engine, reference, $0) } } ?? gateway_pkcs11_private_key(engine, reference, nil)
        }
        guard let key else {
            throw GatewayError(.configurationInvalid, "The token holds no key \(parts[0]) that opens with the PIN given (GATEWAY_KEY_PASSPHRASE or --key-passphrase-file): \(OpenSSLError.drain())")
        }
        try self.init(taking: key)
    }
}

/// One initialised engine per token library, for the process's life.
enum PKCS11Engines {
    private struct Engine: @unchecked Sendable { let pointer: OpaquePointer }
    private static let loaded = Mutex<[String: Engine]>([:])

    static func engine(module: String?) throws(GatewayError) -> OpaquePointer {
        let found: OpaquePointer? = loaded.withLock { engines in
            if let engine = engines[module ?? ""] { return engine.pointer }
            let made = module.map { path in path.withCString { gateway_pkcs11_engine($0) } } ?? gateway_pkcs11_engine(nil)
            if let made { engines[module ?? ""] = Engine(pointer: made) }
            return made
        }
        guard let found else {
            throw GatewayError(.configurationInvalid, "OpenSSL's pkcs11 engine does not load\(module.map { " with the module \($0)" } ?? "") (Debian: libengine-pkcs11-openssl): \(OpenSSLError.drain())")
        }
        return found
    }
}
