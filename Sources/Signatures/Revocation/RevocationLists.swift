import Foundation
import Synchronization

/// CRLs as a revocation source: those of a trust directory (fixed) and those fetched from the
/// certificates' distribution points (replaced as new ones arrive). A CRL counts only if its
/// signature verifies with the issuer's key; one past its `nextUpdate` cannot say "not revoked".
public final class RevocationLists: RevocationSource {
    public let name: String
    private let lists: Mutex<[RevocationList]>
    private let verifiedSignatures = VerifiedCRLSignatures()

    public init(_ lists: [RevocationList], name: String) {
        self.lists = Mutex(lists)
        self.name = name
    }

    public var all: [RevocationList] { lists.withLock { $0 } }

    /// Puts `list` in place of the lists of the same issuer that are older.
    public func replace(with list: RevocationList) {
        let replaced = lists.withLock { lists in
            let older = lists.filter { $0.issuer == list.issuer && $0.thisUpdate <= list.thisUpdate }
            lists.removeAll { $0.issuer == list.issuer && $0.thisUpdate <= list.thisUpdate }
            lists.append(list)
            return older
        }
        for old in replaced { verifiedSignatures.forget(old) }
    }

    public func status(of certificate: Certificate, issuer: Certificate, at time: Date) -> RevocationStatus? {
        let issued = all.filter { $0.isIssued(by: issuer) && verifiedSignatures.verify($0, issuer: issuer) }
        guard !issued.isEmpty else { return nil }
        for list in issued {
            if let revoked = list.revocationDate(of: certificate), revoked <= time { return .revoked(at: revoked, source: name) }
        }
        guard issued.contains(where: { ($0.nextUpdate ?? .distantFuture) >= time }) else {
            let due = issued.compactMap(\.nextUpdate).max() ?? time
            return .unknown("the CRL of \(issuer.subject) is out of date (next update was due \(due.iso8601))")
        }
        return .good(source: name)
    }
}

/// Which (CRL, issuer) pairs have had their signature checked, so each costs one check. An entry
/// holds its CRL, so that no other CRL takes its identity while it is remembered.
final class VerifiedCRLSignatures: Sendable {
    private let results = Mutex<[ObjectIdentifier: (list: RevocationList, byIssuer: [String: Bool])]>([:])

    func verify(_ list: RevocationList, issuer: Certificate) -> Bool {
        let key = ObjectIdentifier(list)
        if let known = results.withLock({ $0[key]?.byIssuer[issuer.fingerprintSHA256] }) { return known }
        let verified = list.signatureVerifies(with: issuer)
        results.withLock { $0[key, default: (list, [:])].byIssuer[issuer.fingerprintSHA256] = verified }
        return verified
    }

    func forget(_ list: RevocationList) {
        _ = results.withLock { $0.removeValue(forKey: ObjectIdentifier(list)) }
    }
}
