/// An ATIGA Form D certificate of origin: issued by MOIT for an export, or received from another
/// ASEAN NSW for an import.
public struct CertificateOfOrigin: CanonicalRecord {
    public static let recordName = "CertificateOfOrigin"

    public var certificateNumber: String
    public var formType: String?
    public var issueDate: String
    public var issuingAuthority: String
    public var exportingCountry: String?
    public var importingCountry: String
    public var exporter: Party
    public var consignee: Party
    public var departureDate: String
    /// `SEA`, `RAIL`, `ROAD` or `AIR`.
    public var transportMode: String
    public var vesselOrFlight: String
    public var portOfLoading: String?
    public var portOfDischarge: String
    public var goodsLines: [GoodsLine]
    public var remarks: String?
    /// The ASW message that carried it and the NSW that sent it (inbound only).
    public var aswMessageId: String?
    public var sourceNSW: String?

    public struct GoodsLine: Codable, Sendable, Hashable {
        public var lineNo: Int
        public var hsCode: String
        public var description: String
        /// `WO`, `PE`, `RVC`, `CTH` or `CTSH`; `rvcPercentage` only with `RVC`.
        public var originCriterion: String
        public var rvcPercentage: DecimalNumber?
        public var grossWeightKg: DecimalNumber
        public var fobValue: DecimalNumber
        public var currency: String
        public var invoiceNumber: String
        public var invoiceDate: String
    }
}

/// An ASEAN Customs Declaration Document: another member state's export declaration for goods
/// bound for Viet Nam.
public struct AseanDeclaration: CanonicalRecord {
    public static let recordName = "AseanDeclaration"

    public var exportDeclarationNumber: String
    public var exportDate: String
    public var exportingCountry: String
    public var importingCountry: String
    public var customsOfficeCode: String?
    public var exporter: Party
    public var importer: Party
    public var goodsLines: [GoodsLine]
    public var aswMessageId: String?
    public var sourceNSW: String?

    public struct GoodsLine: Codable, Sendable, Hashable {
        public var lineNo: Int
        public var hsCode: String
        public var description: String
        public var quantity: DecimalNumber
        public var unit: String
        public var customsValue: DecimalNumber
        public var currency: String
        public var grossWeightKg: DecimalNumber?
        public var originCountry: String?
    }
}

/// An ASW acknowledgement: `RECEIVED`, `ACCEPTED`, or `REJECTED` with its errors.
public struct Acknowledgement: CanonicalRecord {
    public static let recordName = "Acknowledgement"

    public var status: String
    public var documentReference: String?
    public var errors: [Problem]?

    public struct Problem: Codable, Sendable, Hashable {
        public var code: String
        public var description: String
        public var location: String?

        public init(code: String, description: String, location: String? = nil) {
            self.code = code
            self.description = description
            self.location = location
        }
    }

    public init(status: String, documentReference: String? = nil, errors: [Problem]? = nil) {
        self.status = status
        self.documentReference = documentReference
        self.errors = errors
    }
}
