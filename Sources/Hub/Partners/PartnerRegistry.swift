import Foundation
import GatewayCore
import MessageSpecs
import Signatures
import Yams

/// Every `Partners/*.yaml`, loaded and checked at start-up: a missing certificate or key file,
/// an unreadable trust directory or a message type no spec knows stops the start, naming the
/// file and the reason. Endpoints can be overridden per environment without editing the files:
/// `GATEWAY_PARTNER_<ID>_URL` (`GATEWAY_PARTNER_CUSTOMS_CORE_URL=http://127.0.0.1:9001/records`).
public struct PartnerRegistry: Sendable {
    /// The environment variable that overrides a partner's endpoint: `GATEWAY_PARTNER_CUSTOMS_CORE_URL`.
    public static func urlVariable(of partner: String) -> String {
        "GATEWAY_PARTNER_\(partner.uppercased().replacingOccurrences(of: "-", with: "_"))_URL"
    }

    public let directory: String
    public let partners: [String: Partner]
    /// The fetched CRLs and OCSP answers every partner's trust reads (`RevocationRefresh` keeps them current).
    public let revocation: RevocationCaches
    /// Tells one load of the files from another (what depends on them is worked out once per load).
    public let generation = UUID()

    public init(directory: String, specs: SpecRegistry, environment: [String: String] = ProcessInfo.processInfo.environment,
                revocation: RevocationCaches = RevocationCaches()) throws(GatewayError) {
        self.directory = directory
        self.revocation = revocation
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.sorted()
        guard !files.isEmpty else {
            throw GatewayError(.configurationInvalid, "No partner file (*.yaml) was found in \(directory).")
        }
        var partners: [String: Partner] = [:]
        for name in files {
            let file = "\(directory)/\(name)"
            let partner = try Self.load(file, specs: specs, environment: environment, revocation: revocation)
            guard partners[partner.id] == nil else {
                throw GatewayError(.configurationInvalid, "\(file): the partner id \(partner.id) is already used by another file.")
            }
            partners[partner.id] = partner
        }
        self.partners = partners
    }

    /// Every partner file of `directory` loaded on its own, so that one file's error does not
    /// hide the next one's: what `gateway partners check` reports, without starting anything.
    public static func check(directory: String, specs: SpecRegistry,
                             environment: [String: String] = ProcessInfo.processInfo.environment) -> [(file: String, result: Result<Partner, GatewayError>)] {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
        var seen: [String: String] = [:]
        return files.map { name in
            let file = "\(directory)/\(name)"
            do throws(GatewayError) {
                let partner = try load(file, specs: specs, environment: environment, revocation: RevocationCaches())
                if let other = seen[partner.id] {
                    return (file, .failure(GatewayError(.configurationInvalid, "\(file): the partner id \(partner.id) is already used by \(other).", path: file)))
                }
                seen[partner.id] = file
                return (file, .success(partner))
            } catch {
                return (file, .failure(error))
            }
        }
    }

    /// The variable holding the passphrase of the gateway's encrypted keys (signing keys of
    /// `signWith`, TLS client keys); `serve --key-passphrase-file` fills it from a file.
    public static let keyPassphraseVariable = "GATEWAY_KEY_PASSPHRASE"

    public func partner(_ id: String) -> Partner? { partners[id] }

    static func load(_ file: String, specs: SpecRegistry, environment: [String: String], revocation: RevocationCaches) throws(GatewayError) -> Partner {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw GatewayError(.configurationInvalid, "\(file): cannot be read", path: file)
        }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        /// `file:line: reason`, as editors and compilers say it: the line is the first one holding
        /// `near` (a key or a value), from the line of `key` on when one is given.
        func failure(_ reason: String, near: String? = nil, key: String? = nil) -> GatewayError {
            let start = key.flatMap { key in lines.firstIndex { $0.hasPrefix(key) } } ?? 0
            let line = near.flatMap { text in lines[start...].firstIndex { $0.contains(text) } }.map { $0 + 1 }
            let place = line.map { "\(file):\($0)" } ?? file
            return GatewayError(.configurationInvalid, "\(place): \(reason)", path: place)
        }
        let parsed: PartnerFile
        do {
            parsed = try YAMLDecoder().decode(PartnerFile.self, from: data)
        } catch {
            throw failure("is not a valid partner file: \(Self.describe(error).text)", near: Self.describe(error).key.map { "\($0):" })
        }
        let failureNear = { (reason: String, near: String?) in failure(reason, near: near) }
        // Absolute, so that a resolved path stays one when it is resolved again.
        let folder = (file as NSString).deletingLastPathComponent
        let base = folder.hasPrefix("/") ? folder : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(folder)
        func path(_ relative: String, _ what: String, directory: Bool = false) throws(GatewayError) -> String {
            let resolved = relative.hasPrefix("/") ? relative : ((base as NSString).appendingPathComponent(relative) as NSString).standardizingPath
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory), isDirectory.boolValue == directory,
                  FileManager.default.isReadableFile(atPath: resolved) else {
                throw failure("the \(what) \(relative) is missing or unreadable (looked for \(resolved))", near: relative)
            }
            return resolved
        }
        func optionalPath(_ relative: String?, _ what: String) throws(GatewayError) -> String? {
            guard let relative else { return nil }
            return try path(relative, what)
        }
        guard let role = PartnerRole(rawValue: parsed.kind) else {
            throw failure("kind must be \(PartnerRole.names), not \(parsed.kind)", near: "kind:")
        }
        if role == .aseanNSW, parsed.country == nil { throw failure("an ASEAN NSW names its member state: country", near: "kind:") }
        for (key, types) in [("sends:", parsed.sends), ("receives:", parsed.receives), ("answers:", [parsed.answers].compactMap { $0 })] {
            for type in types where specs.spec(type) == nil {
                throw failure("the message type \(type) is not a loaded spec (see gateway specs)", near: type, key: key)
            }
        }
        for type in parsed.sends where specs.spec(type)?.spec.isInbound != true {
            throw failure("\(type) is not a message partners send to the gateway", near: type, key: "sends:")
        }
        for type in parsed.receives where specs.spec(type)?.spec.isOutbound != true {
            throw failure("\(type) is not a message the gateway writes", near: type, key: "receives:")
        }
        let trustDirectory = try path(parsed.trust, "trust directory", directory: true)
        let store: TrustStore
        do {
            store = try TrustStore(directory: trustDirectory)
        } catch {
            throw failure("the trust directory \(parsed.trust) cannot be used: \(error.message)", near: "trust:")
        }
        let subjects = parsed.signers.subjects ?? [], fingerprints = parsed.signers.fingerprints ?? []
        guard !subjects.isEmpty || !fingerprints.isEmpty else {
            throw failure("signers must list at least one fingerprint or subject pattern", near: "signers:")
        }
        var endpoint: Partner.Endpoint?
        if let declared = parsed.endpoint {
            let variable = Self.urlVariable(of: parsed.id)
            endpoint = Partner.Endpoint(
                url: environment[variable] ?? declared.url,
                contentType: declared.contentType,
                clientCertificate: try optionalPath(parsed.tls?.clientCertificate, "client certificate"),
                clientKey: try optionalPath(parsed.tls?.clientKey, "client key"),
                clientKeyPassphrase: environment[Self.keyPassphraseVariable],
                serverCA: try optionalPath(parsed.tls?.serverCA, "server CA file"),
                connectTimeout: try duration(parsed.timeouts?.connect ?? "5s", failureNear),
                totalTimeout: try duration(parsed.timeouts?.total ?? "30s", failureNear))
        } else if !parsed.receives.isEmpty {
            throw failure("it receives \(parsed.receives.joined(separator: ", ")) but has no endpoint", near: "receives:")
        }
        var signing: Partner.SigningCredentials?
        if let folder = parsed.signWith {
            let directory = try path(folder, "signing folder", directory: true)
            signing = Partner.SigningCredentials(key: try path(PrivateKey.file(in: directory), "signing key"),
                                                 certificate: try path("\(directory)/cert.pem", "signing certificate"),
                                                 chain: FileManager.default.fileExists(atPath: "\(directory)/chain.pem") ? "\(directory)/chain.pem" : nil,
                                                 passphrase: environment[Self.keyPassphraseVariable])
        }
        var retry = RetryPolicy.world
        if let declared = parsed.retry {
            var delays: [TimeInterval] = []
            for text in declared.delays { delays.append(try duration(text, failureNear)) }
            guard !delays.isEmpty else { throw failure("retry.delays must list at least one delay", near: "retry:") }
            retry = RetryPolicy(delays: delays, giveUpAfter: try duration(declared.giveUpAfter, failureNear))
        }
        if let answers = parsed.answers, specs.spec(answers)?.spec.isOutbound != true {
            throw failure("answers: \(answers) is not a message the gateway writes", near: "answers:")
        }
        let receivesLine = (lines.firstIndex { $0.hasPrefix("receives:") } ?? 0) + 1
        return Partner(id: parsed.id, name: parsed.name, role: role, country: parsed.country, licenceTypes: Set(parsed.licenceTypes ?? []),
                       answers: parsed.answers, file: file, receivesLine: receivesLine, endpoint: endpoint,
                       trust: SignerTrust.standard(store: store, revocation: try revocationPolicy(parsed, store: store, caches: revocation, failure: failureNear)),
                       trustDirectory: trustDirectory,
                       acceptedSigners: AcceptedSigners(fingerprints: fingerprints, subjectPatterns: subjects,
                                                        retiring: try retiring(parsed.signers.retiring, failureNear)),
                       clientCertificates: try clientCertificates(parsed.clientCertificates, failureNear),
                       sends: Set(parsed.sends), receives: Set(parsed.receives), signingKey: signing, retry: retry)
    }

    /// The partner's revocation sources, in the order they are asked: its trust directory's CRLs,
    /// the CRLs of its certificates' distribution points, OCSP; and its mode (`soft` unless the file
    /// says `revocation: {mode: hard}`). In soft mode an unknown status is logged, once a minute per reason.
    static func revocationPolicy(_ parsed: PartnerFile, store: TrustStore, caches: RevocationCaches,
                                 failure: (String, String?) -> GatewayError) throws(GatewayError) -> RevocationPolicy {
        let declared = parsed.revocation?.mode ?? RevocationMode.soft.rawValue
        guard let mode = RevocationMode(rawValue: declared) else {
            throw failure("revocation.mode must be hard or soft, not \(declared)", "mode:")
        }
        let partner = parsed.id
        return RevocationPolicy(sources: [RevocationLists(store.revocationLists, name: "the trust directory's CRL"), caches.distributionPoints, caches.ocsp],
                                mode: mode, onUnknown: { why in RevocationDoubts.shared.note(why, partner: partner) })
    }

    /// `signers.retiring`: the old signers accepted until the overlap's end.
    static func retiring(_ declared: PartnerFile.Retiring?,
                         _ failure: (String, String?) -> GatewayError) throws(GatewayError) -> (until: Date, fingerprints: [String], subjectPatterns: [String])? {
        guard let declared else { return nil }
        guard let until = try? Date(declared.until, strategy: .iso8601) else {
            throw failure("signers.retiring.until is a time with its offset (2027-01-31T00:00:00+07:00), not \(declared.until)", declared.until)
        }
        let fingerprints = declared.fingerprints ?? [], subjects = declared.subjects ?? []
        guard !fingerprints.isEmpty || !subjects.isEmpty else {
            throw failure("signers.retiring must list at least one fingerprint or subject pattern", "retiring:")
        }
        return (until, fingerprints, subjects)
    }

    static func clientCertificates(_ declared: PartnerFile.Signers?, _ failure: (String, String?) -> GatewayError) throws(GatewayError) -> AcceptedSigners? {
        guard let declared else { return nil }
        let fingerprints = declared.fingerprints ?? [], subjects = declared.subjects ?? []
        guard !fingerprints.isEmpty || !subjects.isEmpty else {
            throw failure("clientCertificates must list at least one fingerprint or subject pattern", "clientCertificates:")
        }
        return AcceptedSigners(fingerprints: fingerprints, subjectPatterns: subjects)
    }

    /// The partner a client certificate stands for: the one whose `clientCertificates` names it.
    public func partner(clientCertificate: SignerIdentity) -> Partner? {
        partners.values.sorted { $0.id < $1.id }.first { $0.clientCertificates?.accepts(clientCertificate) == true }
    }

    /// `500ms`, `30s`, `2m`, `24h`.
    static func duration(_ text: String, _ failure: (String, String?) -> GatewayError) throws(GatewayError) -> TimeInterval {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            if let value = Double(text.dropLast(suffix.count)), value >= 0 { return value * factor }
        }
        throw failure("\(text) is not a duration (such as 500ms, 30s, 2m, 24h)", text)
    }

    /// What is wrong with a partner file YAML could not decode, and the key it is about.
    private static func describe(_ error: any Error) -> (text: String, key: String?) {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            ("\((context.codingPath + [key]).map(\.stringValue).joined(separator: ".")) is missing", context.codingPath.last?.stringValue)
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context), DecodingError.dataCorrupted(let context):
            ("\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)",
             context.codingPath.last(where: { $0.intValue == nil })?.stringValue)
        default:
            ("\(error)", nil)
        }
    }
}
