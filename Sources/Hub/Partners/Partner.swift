import Foundation
import GatewayCore
import Signatures

/// A partner of the gateway as loaded and checked at start-up: who it is, where its messages
/// go, whom the gateway believes for it, what it may send and receive, how its deliveries are
/// retried.
public struct Partner: Sendable {
    public let id: String
    public let name: String
    public let role: PartnerRole
    /// The ASEAN member state of an ASW partner (`TH`, `SG`), whose certificate must sign as `SenderNSW`.
    public let country: String?
    /// A licensing authority's licence types: the applications for them go to it.
    public let licenceTypes: Set<String>
    /// The message of its own format it is answered with at once, instead of the gateway's receipt.
    public let answers: String?
    /// Its partner file, and the line of its `receives`, for configuration errors.
    public let file: String
    public let receivesLine: Int
    public let endpoint: Endpoint?
    public let trust: SignerTrust
    public let trustDirectory: String
    public let acceptedSigners: AcceptedSigners
    /// When set, its messages arrive only over mutual TLS with one of these client certificates,
    /// and such a certificate reads as this partner where a credential is asked for.
    public let clientCertificates: AcceptedSigners?
    /// `partner/type` of the messages it may send to the gateway and receive from it.
    public let sends: Set<String>
    public let receives: Set<String>
    /// The gateway's signing key and certificate for this partner's messages.
    public let signingKey: SigningCredentials?
    public let retry: RetryPolicy

    public struct Endpoint: Sendable, Equatable {
        public var url: String
        public let contentType: String
        public let clientCertificate: String?
        public let clientKey: String?
        /// Opens `clientKey` when it is encrypted (GATEWAY_KEY_PASSPHRASE).
        public let clientKeyPassphrase: String?
        public let serverCA: String?
        public let connectTimeout: TimeInterval
        public let totalTimeout: TimeInterval
    }

    public struct SigningCredentials: Sendable, Equatable {
        public let key: String
        public let certificate: String
        public let chain: String?
        /// Opens `key` when it is encrypted (GATEWAY_KEY_PASSPHRASE).
        public let passphrase: String?
    }
}

/// Whom a partner's messages may be signed by: certificates pinned by SHA-256 fingerprint, and
/// subject patterns (`*` for any text) — several at once, so a partner can roll its certificate
/// over without downtime.
public struct AcceptedSigners: Sendable, Equatable {
    public let fingerprints: Set<String>
    public let subjectPatterns: [String]
    /// The signers being retired: accepted beside the others until `until` (the overlap the
    /// partner file states for a certificate rotation), refused after.
    public let retiring: Retiring?

    public struct Retiring: Sendable, Equatable {
        public let until: Date
        public let fingerprints: Set<String>
        public let subjectPatterns: [String]
    }

    public init(fingerprints: [String], subjectPatterns: [String], retiring: (until: Date, fingerprints: [String], subjectPatterns: [String])? = nil) {
        self.fingerprints = Set(fingerprints.map(Self.normalized))
        self.subjectPatterns = subjectPatterns
        self.retiring = retiring.map { Retiring(until: $0.until, fingerprints: Set($0.fingerprints.map(Self.normalized)), subjectPatterns: $0.subjectPatterns) }
    }

    /// Whether `signer` may sign for the partner at `time`: one of the signers, or one being
    /// retired while its overlap lasts.
    public func accepts(_ signer: SignerIdentity, at time: Date) -> Bool {
        if accepts(signer) { return true }
        guard let retiring, time < retiring.until else { return false }
        return retiring.fingerprints.contains(Self.normalized(signer.fingerprintSHA256))
            || retiring.subjectPatterns.contains { Self.matches(signer.subject, pattern: $0) }
    }

    /// Fingerprints are compared as bare lowercase hex, written with colons (OpenSSL's way) or without.
    static func normalized(_ fingerprint: String) -> String {
        guard fingerprint.utf8.allSatisfy({ $0 < 0x80 }) else { return fingerprint.replacingOccurrences(of: ":", with: "").lowercased() }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        for byte in fingerprint.utf8 where byte != UInt8(ascii: ":") {
            bytes.append(byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public func accepts(_ signer: SignerIdentity) -> Bool {
        fingerprints.contains(Self.normalized(signer.fingerprintSHA256))
            || subjectPatterns.contains { Self.matches(signer.subject, pattern: $0) }
    }

    /// `*` stands for any text, everything else for itself (the classic wildcard walk).
    static func matches(_ text: String, pattern: String) -> Bool {
        let text = Array(text), pattern = Array(pattern)
        var (t, p) = (0, 0)
        var star: Int?
        var resume = 0
        while t < text.count {
            if p < pattern.count, pattern[p] != "*", pattern[p] == text[t] {
                t += 1
                p += 1
            } else if p < pattern.count, pattern[p] == "*" {
                star = p
                resume = t
                p += 1
            } else if let star {
                p = star + 1
                resume += 1
                t = resume
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}

/// When a failed delivery is tried again: after each delay in turn, the last one repeated,
/// until `giveUpAfter` from the first attempt; each delay with up to 10 % random jitter.
public struct RetryPolicy: Sendable, Equatable {
    public let delays: [TimeInterval]
    public let giveUpAfter: TimeInterval

    public static let world = RetryPolicy(delays: [30, 60, 120, 240, 480, 900], giveUpAfter: 24 * 3600)

    public init(delays: [TimeInterval], giveUpAfter: TimeInterval) {
        self.delays = delays
        self.giveUpAfter = giveUpAfter
    }

    /// The delay before attempt `attempt + 1` after `attempt` failed, or nil when the policy gives
    /// up: only once `giveUpAfter` has passed. A delay that would pass it is shortened, so the
    /// last attempt is made at `giveUpAfter`.
    public func delay(after attempt: Int, elapsed: TimeInterval, jitter: Double = Double.random(in: 0...0.1)) -> TimeInterval? {
        guard let last = delays.last, elapsed < giveUpAfter else { return nil }
        let base = attempt - 1 < delays.count ? delays[max(attempt - 1, 0)] : last
        return min(base * (1 + jitter), giveUpAfter - elapsed)
    }
}
