import Foundation
import GatewayCore
import Signatures
import Store

/// Checks the time-stamps of the audit seals offline: each batch's token is the authority's,
/// over the seals it lists as they are stored now; each seal marked as stamped is in its batch;
/// no seal was left out while later ones were stamped (a stamp removed).
public enum AuditTimeStampCheck {
    public struct Finding: Sendable, Equatable {
        /// What was changed, and where; nil when the time-stamps hold.
        public let problem: String?
        public let stamped: Int
        public let waiting: Int
        public let batches: Int
        public let authorities: [String]
        public let latest: Date?
    }

    /// A seal may wait this long for its batch while later seals are stamped (two instances
    /// stamping side by side); a longer wait means its stamp was removed.
    static let overtaking: TimeInterval = 600

    public static func verify(seals: [AuditSeal], batches: [AuditTimeStamp], marks: [AuditTimeStamp.SealNumber: String],
                              trust: [Certificate]) -> Finding {
        let byNumber = Dictionary(seals.map { (AuditTimeStamp.SealNumber(chain: $0.chain, sequence: $0.sequence), $0) }, uniquingKeysWith: { first, _ in first })
        var covered = Set<AuditTimeStamp.SealNumber>()
        var authorities = Set<String>()
        var latest: Date?
        func finding(_ problem: String?) -> Finding {
            Finding(problem: problem, stamped: covered.count, waiting: seals.count - covered.count, batches: batches.count,
                    authorities: authorities.sorted(), latest: latest)
        }
        for batch in batches {
            let when = VietnamTime.timestamp(batch.stampedAt)
            var members: [AuditSeal] = []
            for number in batch.seals {
                guard let seal = byNumber[number] else {
                    return finding("The time-stamp of \(when) covers seal \(number), which is missing: the seals were cut back.")
                }
                members.append(seal)
            }
            let imprint = AuditTimeStamp.imprint(of: members)
            guard Hex.lowercase(imprint) == batch.imprintHex else {
                return finding("The seals \(batch.seals.map(\.description).joined(separator: " ")) time-stamped at \(when) were changed after: their digest is not the one the authority stamped.")
            }
            do throws(GatewayError) {
                let token = try TimeStamps.verify(batch.token, imprint: imprint, trust: trust)
                authorities.insert(token.authority)
                latest = max(latest ?? token.time, token.time)
            } catch {
                return finding("The time-stamp of \(when) over seals \(batch.seals.map(\.description).joined(separator: " ")) does not hold: \(error.message)")
            }
            covered.formUnion(batch.seals)
        }
        for (number, imprint) in marks.sorted(by: { ($0.key.chain, $0.key.sequence) < ($1.key.chain, $1.key.sequence) }) {
            guard batches.contains(where: { $0.imprintHex == imprint && $0.seals.contains(number) }) else {
                return finding("Seal \(number) is marked as time-stamped, but no stored time-stamp covers it: its time-stamp was removed.")
            }
        }
        let newestStamped = seals.filter { covered.contains(.init(chain: $0.chain, sequence: $0.sequence)) }.map(\.sealedAt).max()
        if let newestStamped, let left = seals.first(where: {
            !covered.contains(.init(chain: $0.chain, sequence: $0.sequence)) && $0.sealedAt < newestStamped.addingTimeInterval(-overtaking)
        }) {
            return finding("Seal \(left.chain):\(left.sequence) of \(VietnamTime.timestamp(left.sealedAt)) was never time-stamped, though seals made after it were: its time-stamp was removed.")
        }
        return finding(nil)
    }
}
