import Foundation
@testable import Hub
import Store
import Testing

/// The seals waiting for a time-stamp go in batches of at most 10,000 audit events, in order,
/// one seal at least in each.
@Suite struct TimeStampBatchTests {
    static func seal(_ sequence: Int64, covering records: Int64) -> (seal: AuditSeal, records: Int64) {
        (AuditSeal(chain: 1, sequence: sequence, hash: "h", sealedAt: Date(), signature: "s\(sequence)"), records)
    }

    @Test func batchesStayWithinTenThousandRecords() {
        let waiting = [Self.seal(6_000, covering: 6_000), Self.seal(10_000, covering: 4_000), Self.seal(13_000, covering: 3_000),
                       Self.seal(23_000, covering: 10_000), Self.seal(23_001, covering: 1)]
        let batches = AuditTimeStamping.batches(of: waiting).map { $0.map(\.seal.sequence) }
        #expect(batches == [[6_000, 10_000], [13_000], [23_000], [23_001]])
    }
}
