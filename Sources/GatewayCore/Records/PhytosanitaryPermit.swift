/// A MARD plant-quarantine import permit decision (`phyto_imp_permit`): always the complete
/// permit at its revision.
public struct PhytosanitaryPermit: CanonicalRecord {
    public static let recordName = "PhytosanitaryPermit"

    public var permitNumber: String
    public var revision: Int
    /// `ISSUED`, `REFUSED` or `CANCELLED`.
    public var status: String
    /// The licence status customs-core knows the permit by: `ACTIVE` (issued) or `REVOKED` (cancelled).
    public var licenceStatus: String?
    public var issuedOn: String
    public var holder: Trader
    public var validFrom: String?
    public var validUntil: String?
    public var originCountry: String
    public var entryPoint: String
    public var commodities: [Commodity]
    public var conditions: [Condition]?
    public var reason: String?
    public var officer: String
    public var decidedAt: String

    public struct Commodity: Codable, Sendable, Hashable {
        public var lineNo: Int
        public var hsCode: String
        public var quantity: DecimalNumber
        public var unit: String
        public var commonName: String
        public var scientificName: String?
        /// "common (scientific)", or the common name alone (world §3, 4a).
        public var description: String
    }

    public struct Condition: Codable, Sendable, Hashable {
        public var code: String
        public var pest: String?
        public var text: String
    }
}

/// A MARD border inspection result of one consignment (`qrtn_result`).
public struct QuarantineResult: CanonicalRecord {
    public static let recordName = "QuarantineResult"

    public var permitNumber: String
    public var consignmentReference: String
    public var declarationNumber: String?
    public var billOfLading: String?
    public var inspectionSite: String
    public var inspectionDate: String
    /// `PASS`, `FAIL` or `TREATMENT_REQUIRED`.
    public var result: String
    public var pestsFound: [Pest]?
    public var treatment: Treatment?
    public var certificateNumber: String?
    public var officer: String
    public var decidedAt: String

    public struct Pest: Codable, Sendable, Hashable {
        public var scientificName: String
        public var description: String
    }

    public struct Treatment: Codable, Sendable, Hashable {
        public var method: String
        public var instructions: String
    }
}
