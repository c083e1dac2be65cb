import Foundation

/// What the hub knows of a licence (MOIT) or a permit (MARD), kept with its case and changed by
/// each message about it — so that no message re-reads the licence's history.
public struct LicenceFacts: CaseFacts {
    /// The last LicenceRecord sent to customs-core: the licence as it now stands.
    public var record: Licence
    /// customs-core took the first record (before that, the licence is unknown to it).
    public var deliveredToCustoms: Bool
    /// The cumulative quantity drawn per licence line by accepted usages.
    public var used: [UsedLine]
    /// How many usages were accepted.
    public var usages: Int
    /// The permit revision the record was made from (MARD); nil for a MOIT licence.
    public var revision: Int?
    /// The status the licence had when it expired, to return to when its validity is extended.
    public var statusBeforeExpiry: CaseStatus?

    public struct UsedLine: Codable, Sendable, Equatable {
        public var lineNo: Int
        public var quantity: DecimalNumber
    }

    public init(record: Licence, revision: Int? = nil) {
        self.record = record
        deliveredToCustoms = false
        used = []
        usages = 0
        self.revision = revision
        statusBeforeExpiry = nil
    }

    public func quantityUsed(_ line: Int) -> DecimalNumber {
        used.first { $0.lineNo == line }?.quantity ?? 0
    }

    public mutating func add(_ quantity: DecimalNumber, to line: Int) {
        if let index = used.firstIndex(where: { $0.lineNo == line }) {
            used[index].quantity = used[index].quantity + quantity
        } else {
            used.append(UsedLine(lineNo: line, quantity: quantity))
        }
    }

    /// Every line of `record` used up to its approved quantity.
    func isExhausted(_ record: Licence) -> Bool {
        record.goodsLines.allSatisfy { quantityUsed($0.lineNo) >= $0.approvedQuantity }
    }
}

