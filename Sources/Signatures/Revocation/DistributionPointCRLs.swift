import Foundation
import Synchronization

/// CRLs fetched from the distribution points the certificates name, as a revocation source: a
/// certificate asked about registers its distribution point; `RevocationRefresh` fetches each
/// one in the background and again when its CRL's `nextUpdate` comes.
public final class DistributionPointCRLs: RevocationSource {
    /// A distribution point, the issuer whose CRL it publishes, and how its fetches went.
    public struct Point: Sendable {
        public let url: String
        public let issuer: Certificate
        public var nextUpdate: Date?
        public var failedAt: Date?
        public var failure: String?
    }

    public let lists = RevocationLists([], name: "a fetched CRL")
    private let points = Mutex<[String: Point]>([:])
    let retry: TimeInterval

    public init(retry: TimeInterval = 60) {
        self.retry = retry
    }

    public func status(of certificate: Certificate, issuer: Certificate, at time: Date) -> RevocationStatus? {
        guard let url = distributionPoint(of: certificate) else { return nil }
        let point = points.withLock { points in
            if points[url] == nil { points[url] = Point(url: url, issuer: issuer) }
            return points[url]
        }
        if let known = lists.status(of: certificate, issuer: issuer, at: time) { return known }
        return .unknown("no CRL of \(issuer.subject) fetched from \(url) yet\(point?.failure.map { ": \($0)" } ?? "")")
    }

    /// Each certificate's distribution point, read from it once (none is remembered too).
    private let pointOf = Mutex<[String: String?]>([:])

    private func distributionPoint(of certificate: Certificate) -> String? {
        if let known = pointOf.withLock({ $0[certificate.fingerprintSHA256] }) { return known }
        let url = certificate.crlDistributionPoint
        pointOf.withLock { $0[certificate.fingerprintSHA256] = .some(url) }
        return url
    }

    /// The points to fetch now: never fetched, past their CRL's next update, or failed more than `retry` ago.
    public func due(at now: Date) -> [Point] {
        points.withLock { $0 }.values.filter { point in
            if let failedAt = point.failedAt { return now.timeIntervalSince(failedAt) >= retry }
            return (point.nextUpdate ?? .distantPast) <= now
        }.sorted { $0.url < $1.url }
    }

    /// Keeps a fetched CRL once its issuer's signature holds.
    @discardableResult
    public func record(_ list: RevocationList, from point: Point, at now: Date) -> Bool {
        guard list.isIssued(by: point.issuer), list.signatureVerifies(with: point.issuer) else {
            record(failure: "the CRL from \(point.url) is not signed by \(point.issuer.subject)", for: point, at: now)
            return false
        }
        lists.replace(with: list)
        points.withLock { $0[point.url]?.nextUpdate = list.nextUpdate ?? .distantFuture; $0[point.url]?.failedAt = nil; $0[point.url]?.failure = nil }
        return true
    }

    public func record(failure: String, for point: Point, at now: Date) {
        points.withLock { $0[point.url]?.failedAt = now; $0[point.url]?.failure = failure }
    }
}
