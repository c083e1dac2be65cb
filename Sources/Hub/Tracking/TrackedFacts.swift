import Foundation
import GatewayCore

/// A case's facts as tracking shows them: one shape for every case kind — the parties, the
/// amounts with their currency, the dates, the goods lines with quantities and units, and the
/// codes — each part there where the case's kind has it. Numbers stay numbers.
public struct TrackedFacts: Sendable, Equatable, Encodable {
    public struct Party: Sendable, Equatable, Encodable {
        /// `holder`, `taxpayer`, `bank`, `exporter`, `consignee`, `importer`.
        public let role: String
        public let name: String?
        public let taxCode: String?
    }

    public struct Amount: Sendable, Equatable, Encodable {
        /// `amountDue`, `amountPaid`.
        public let label: String
        public let value: Decimal
        public let currency: String
    }

    public struct Quantity: Sendable, Equatable, Encodable {
        public let value: Decimal
        public let unit: String
    }

    public struct Line: Sendable, Equatable, Encodable {
        public let lineNo: Int
        public let hsCode: String
        public let description: String
        /// A licence line's approved quantity; a document line's quantity.
        public let approved: Quantity?
        /// What accepted usages drew on a licence line so far.
        public let used: Quantity?
        /// A document line's value.
        public let value: Amount?
    }

    public struct DateFact: Sendable, Equatable, Encodable {
        /// `issueDate`, `validFrom`, `validUntil`, `dueDate`, `paidAt`.
        public let label: String
        /// An ISO date or date-time, as the partner wrote it.
        public let date: String
    }

    public struct Code: Sendable, Equatable, Encodable {
        /// `issuingAuthority`, `licenceType`, `recordStatus`, `reasonCode`, `settledBy` …
        public let label: String
        public let value: String
    }

    public var parties: [Party] = []
    public var amounts: [Amount] = []
    public var dates: [DateFact] = []
    public var lines: [Line] = []
    public var codes: [Code] = []

    public var isEmpty: Bool { parties.isEmpty && amounts.isEmpty && dates.isEmpty && lines.isEmpty && codes.isEmpty }

    public init() {}

    /// A licence or permit: its holder, authority, validity, current record and use per line.
    init(_ facts: LicenceFacts) {
        let record = facts.record
        parties = [Party(role: "holder", name: record.holderName, taxCode: record.holderTaxCode)]
        dates = [DateFact(label: "issueDate", date: record.issueDate), DateFact(label: "validFrom", date: record.validFrom),
                 DateFact(label: "validUntil", date: record.validUntil)]
        lines = record.goodsLines.map {
            Line(lineNo: $0.lineNo, hsCode: $0.hsCode, description: $0.description,
                 approved: Quantity(value: $0.approvedQuantity.value, unit: $0.unit),
                 used: Quantity(value: facts.quantityUsed($0.lineNo).value, unit: $0.unit), value: nil)
        }
        codes = [Code(label: "issuingAuthority", value: record.issuingAuthority), Code(label: "licenceType", value: record.licenceType),
                 Code(label: "recordStatus", value: record.status), Code(label: "recordVersion", value: String(record.recordVersion)),
                 Code(label: "amendmentNo", value: String(record.amendmentNo))]
    }

    /// A tax notice: the taxpayer, the amount due and by when, and what settled it.
    init(_ facts: TaxNoticeFacts) {
        let notice = facts.notice
        parties = [Party(role: "taxpayer", name: notice.taxpayerName, taxCode: notice.taxpayerTaxCode)]
        amounts = [Amount(label: "amountDue", value: notice.amountDue.value, currency: notice.currency)]
        dates = [DateFact(label: "issuedAt", date: notice.issuedAt), DateFact(label: "dueDate", date: notice.dueDate)]
        codes = [Code(label: "declarationNumber", value: notice.declarationNumber)]
            + (facts.settledBy.map { [Code(label: "settledBy", value: $0)] } ?? [])
    }

    /// A certificate of origin or an export declaration: its parties, dates, countries and goods,
    /// the NSW it went to or came from, and the last answer it got.
    init(_ facts: DocumentFacts) {
        if let certificate = facts.certificate {
            parties = [Party(role: "exporter", name: certificate.exporter.name, taxCode: certificate.exporter.taxIdentifier),
                       Party(role: "consignee", name: certificate.consignee.name, taxCode: certificate.consignee.taxIdentifier)]
            dates = [DateFact(label: "issueDate", date: certificate.issueDate), DateFact(label: "departureDate", date: certificate.departureDate)]
            lines = certificate.goodsLines.map {
                Line(lineNo: $0.lineNo, hsCode: $0.hsCode, description: $0.description, approved: nil, used: nil,
                     value: Amount(label: "fobValue", value: $0.fobValue.value, currency: $0.currency))
            }
            codes = [Code(label: "exportingCountry", value: certificate.exportingCountry ?? ""),
                     Code(label: "importingCountry", value: certificate.importingCountry)]
        } else if let declaration = facts.declaration {
            parties = [Party(role: "exporter", name: declaration.exporter.name, taxCode: declaration.exporter.taxIdentifier),
                       Party(role: "importer", name: declaration.importer.name, taxCode: declaration.importer.taxIdentifier)]
            dates = [DateFact(label: "exportDate", date: declaration.exportDate)]
            lines = declaration.goodsLines.map {
                Line(lineNo: $0.lineNo, hsCode: $0.hsCode, description: $0.description, approved: Quantity(value: $0.quantity.value, unit: $0.unit),
                     used: nil, value: Amount(label: "customsValue", value: $0.customsValue.value, currency: $0.currency))
            }
            codes = [Code(label: "exportingCountry", value: declaration.exportingCountry),
                     Code(label: "importingCountry", value: declaration.importingCountry)]
        }
        codes += (facts.nsw.map { [Code(label: "nsw", value: $0)] } ?? [])
            + (facts.answers.last.map { [Code(label: "lastAnswer", value: "\($0.by): \($0.status.rawValue)\($0.detail.map { " — \($0)" } ?? "")")] } ?? [])
    }

    /// A payment: who paid how much through which bank, and what the bank was told.
    init(_ facts: PaymentFacts) {
        parties = [Party(role: "taxpayer", name: nil, taxCode: facts.taxpayerTaxCode), Party(role: "bank", name: facts.bank, taxCode: nil)]
        amounts = [Amount(label: "amountPaid", value: facts.amount.value, currency: facts.currency)]
        dates = [DateFact(label: "paidAt", date: facts.paidAt)]
        codes = [Code(label: "taxNoticeNumber", value: facts.taxNoticeNumber), Code(label: "declarationNumber", value: facts.declarationNumber)]
            + (facts.reasonCode.map { [Code(label: "reasonCode", value: $0)] } ?? [])
    }
}
