import Delivery
import Foundation
import GatewayCore
import Logging
import Signatures

/// Keeps the fetched revocation data current in the background: asks the OCSP responders about
/// the certificates verifications met, fetches the CRLs of their distribution points, each again
/// when it is due (OCSP: every 1,200 s, after a failure 60 s; a CRL: at its `nextUpdate`). The
/// network calls run on threads of their own, never on a verification's path.
public struct RevocationRefresh: Sendable {
    let caches: RevocationCaches
    let clock: any GatewayClock
    let threads: DeliveryThreads
    let poster = HTTPPoster()
    let logger: Logger
    static let connectTimeout: TimeInterval = 5
    static let totalTimeout: TimeInterval = 10

    public init(caches: RevocationCaches, clock: any GatewayClock, threads: DeliveryThreads, logger: Logger = Logger(label: "gateway.revocation")) {
        self.caches = caches
        self.clock = clock
        self.threads = threads
        self.logger = logger
    }

    /// Fetches what is due now; how many fetches were made and how many failed.
    @discardableResult
    public func refreshDue() async -> (fetched: Int, failed: Int) {
        var fetched = 0, failed = 0
        for subject in caches.ocsp.due(at: clock.now()) {
            fetched += 1
            if await !ask(subject) { failed += 1 }
        }
        for point in caches.distributionPoints.due(at: clock.now()) {
            fetched += 1
            if await !fetch(point) { failed += 1 }
        }
        return (fetched, failed)
    }

    /// Refreshes every `interval` until cancelled (a new certificate waits at most that long).
    public func run(every interval: Duration = .seconds(2)) async {
        while !Task.isCancelled {
            await refreshDue()
            try? await Task.sleep(for: interval)
        }
    }

    private func ask(_ subject: OCSPResponses.Subject) async -> Bool {
        let request: [UInt8]
        do {
            request = try OCSP.request(for: subject.certificate, issuer: subject.issuer)
        } catch {
            caches.ocsp.record(failure: error.message, for: subject, at: clock.now())
            return false
        }
        let post = HTTPPoster.Request(url: subject.responder, contentType: "application/ocsp-request", body: request,
                                      connectTimeout: Self.connectTimeout, totalTimeout: Self.totalTimeout)
        let poster = self.poster
        let response = await threads.run { poster.post(post) }
        do throws(GatewayError) {
            guard response.status == 200 else {
                throw GatewayError(.internalError, response.status.map { "HTTP \($0)" } ?? (response.failure ?? "no answer"))
            }
            let answer = try OCSP.answer(response.body, for: subject.certificate, issuer: subject.issuer)
            caches.ocsp.record(answer, for: subject, at: clock.now())
            return true
        } catch {
            caches.ocsp.record(failure: error.message, for: subject, at: clock.now())
            logger.warning("OCSP responder \(subject.responder) could not be asked about \(subject.certificate.subject): \(error.message)")
            return false
        }
    }

    private func fetch(_ point: DistributionPointCRLs.Point) async -> Bool {
        let poster = self.poster
        let response = await threads.run { poster.get(point.url, connectTimeout: Self.connectTimeout, totalTimeout: Self.totalTimeout) }
        do throws(GatewayError) {
            guard response.status == 200 else {
                throw GatewayError(.internalError, response.status.map { "HTTP \($0)" } ?? (response.failure ?? "no answer"))
            }
            guard let list = try RevocationList.load(response.body).first else { throw GatewayError(.malformed, "no CRL in the answer") }
            guard caches.distributionPoints.record(list, from: point, at: clock.now()) else {
                throw GatewayError(.signatureInvalid, "the CRL is not signed by \(point.issuer.subject)")
            }
            return true
        } catch {
            caches.distributionPoints.record(failure: error.message, for: point, at: clock.now())
            logger.warning("The CRL of \(point.issuer.subject) could not be fetched from \(point.url): \(error.message)")
            return false
        }
    }
}
