import Foundation
import Synchronization

/// OCSP as a revocation source: the answers fetched for the certificates verifications asked
/// about, kept while fresh. Asking registers the certificate; `RevocationRefresh` fetches in the
/// background, so a verification never waits on a responder (X-Road's way).
public final class OCSPResponses: RevocationSource {
    /// X-Road's defaults: an answer is fetched again after 1,200 s, usable for 3,600 s after the
    /// responder made it, and a failed fetch is tried again after 60 s.
    public struct Timing: Sendable {
        public var refresh: TimeInterval
        public var fresh: TimeInterval
        public var retry: TimeInterval

        public init(refresh: TimeInterval = 1200, fresh: TimeInterval = 3600, retry: TimeInterval = 60) {
            self.refresh = refresh
            self.fresh = fresh
            self.retry = retry
        }
    }

    /// A certificate whose status is wanted, with where to ask.
    public struct Subject: Sendable {
        public let certificate: Certificate
        public let issuer: Certificate
        public let responder: String
    }

    struct Entry: Sendable {
        var answer: OCSPAnswer?
        var fetchedAt: Date?
        var failure: String?
        var failedAt: Date?
    }

    public let timing: Timing
    private let subjects = Mutex<[String: Subject]>([:])
    /// Certificates that name no responder: asked once, not parsed again at every message.
    private let silent = Mutex<Set<String>>([])
    private let entries = Mutex<[String: Entry]>([:])

    public init(timing: Timing = Timing()) {
        self.timing = timing
    }

    static func key(_ certificate: Certificate, _ issuer: Certificate) -> String {
        certificate.fingerprintSHA256 + "/" + issuer.fingerprintSHA256
    }

    public func status(of certificate: Certificate, issuer: Certificate, at time: Date) -> RevocationStatus? {
        let key = Self.key(certificate, issuer)
        let known = subjects.withLock { $0[key] }
        let subject: Subject
        if let known {
            subject = known
        } else {
            if silent.withLock({ $0.contains(key) }) { return nil }
            guard let responder = certificate.ocspResponder else {
                silent.withLock { _ = $0.insert(key) }
                return nil
            }
            subject = Subject(certificate: certificate, issuer: issuer, responder: responder)
            subjects.withLock { $0[key] = subject }
        }
        guard let entry = entries.withLock({ $0[key] }) else {
            return .unknown("no OCSP answer about \(certificate.subject) from \(subject.responder) yet")
        }
        guard let answer = entry.answer else {
            return .unknown("the OCSP responder \(subject.responder) could not be asked about \(certificate.subject): \(entry.failure ?? "no answer")")
        }
        if let next = answer.nextUpdate, next < time {
            return .unknown("the OCSP answer about \(certificate.subject) from \(subject.responder) is stale (next update was due \(next.iso8601))")
        }
        guard time.timeIntervalSince(answer.thisUpdate) <= timing.fresh else {
            return .unknown("the OCSP answer about \(certificate.subject) from \(subject.responder) is stale (made \(answer.thisUpdate.iso8601))")
        }
        switch answer.status {
        case .good: return .good(source: "OCSP \(subject.responder)")
        case .revoked(let at): return at <= time ? .revoked(at: at, source: "OCSP \(subject.responder)") : .good(source: "OCSP \(subject.responder)")
        case .unknown: return .unknown("the OCSP responder \(subject.responder) does not know \(certificate.subject)")
        }
    }

    /// The certificates to ask about now: never asked, asked more than `refresh` ago, or failed
    /// more than `retry` ago.
    public func due(at now: Date) -> [Subject] {
        let wanted = subjects.withLock { $0 }
        let known = entries.withLock { $0 }
        return wanted.filter { key, _ in
            guard let entry = known[key] else { return true }
            if let failedAt = entry.failedAt, entry.fetchedAt.map({ failedAt > $0 }) ?? true {
                return now.timeIntervalSince(failedAt) >= timing.retry
            }
            return now.timeIntervalSince(entry.fetchedAt ?? .distantPast) >= timing.refresh
        }.values.sorted { $0.certificate.subject < $1.certificate.subject }
    }

    /// Keeps a checked answer.
    public func record(_ answer: OCSPAnswer, for subject: Subject, at now: Date) {
        entries.withLock { $0[Self.key(subject.certificate, subject.issuer)] = Entry(answer: answer, fetchedAt: now) }
    }

    /// Keeps why a fetch failed; an earlier answer stays usable while it is fresh.
    public func record(failure: String, for subject: Subject, at now: Date) {
        entries.withLock { entries in
            var entry = entries[Self.key(subject.certificate, subject.issuer)] ?? Entry()
            entry.failure = failure
            entry.failedAt = now
            entries[Self.key(subject.certificate, subject.issuer)] = entry
        }
    }
}
