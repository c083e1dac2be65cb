import Foundation
@testable import GatewayCore
import Testing

/// World §3 flow 3 on typed state alone: a certificate issued at home followed through the
/// importing NSW's answers, and documents from other NSWs checked in the ASW README's order.
@Suite struct DocumentLifecycleTests {
    static let party = Party(name: "Exporter Co", address: "Bangkok", country: "TH", taxIdentifier: nil)

    static func certificate(importing: String = "TH", exporting: String? = nil, hsCode: String = "72085100") -> CertificateOfOrigin {
        CertificateOfOrigin(certificateNumber: "VN-TH 25/02/00318", formType: nil, issueDate: "2025-02-20", issuingAuthority: "MOIT",
                            exportingCountry: exporting, importingCountry: importing, exporter: party, consignee: party,
                            departureDate: "2025-02-22", transportMode: "SEA", vesselOrFlight: "V1", portOfLoading: nil, portOfDischarge: "THLCH",
                            goodsLines: [.init(lineNo: 1, hsCode: hsCode, description: "Steel", originCriterion: "WO", rvcPercentage: nil,
                                               grossWeightKg: 1, fobValue: 1, currency: "USD", invoiceNumber: "I1", invoiceDate: "2025-02-01")],
                            remarks: nil, aswMessageId: nil, sourceNSW: nil)
    }

    @Test func aCertificateIsForwardedThenAcceptedOrRejectedByTheImportingNSW() throws {
        let issued = try DocumentLifecycle.issued(Self.certificate(), known: false, nsw: "asw-th")
        #expect(issued.status == nil && issued.facts?.nsw == "asw-th", "no status until the partner NSW answers")
        let unroutable = try DocumentLifecycle.issued(Self.certificate(importing: "MY"), known: false, nsw: nil)
        #expect(unroutable.status == .notRoutable)
        #expect(throws: GatewayError.self) { try DocumentLifecycle.issued(Self.certificate(), known: true, nsw: "asw-th") }

        let forwarded = DocumentLifecycle.answered(ack: .received, httpAccepted: true, httpStatus: 202, by: "asw-th", facts: issued.facts)
        #expect(forwarded.status == .forwarded && forwarded.facts?.answers.map(\.status) == [.received])
        let refusedAtOnce = DocumentLifecycle.answered(ack: Verdict(.rejected, text: "SCHEMA_INVALID: …"), httpAccepted: false, httpStatus: 400,
                                                       by: "asw-th", facts: issued.facts)
        #expect(refusedAtOnce.status == .partnerRejected)
        #expect(DocumentLifecycle.answered(ack: nil, httpAccepted: false, httpStatus: 400, by: "asw-th", facts: issued.facts).status == .partnerRejected)
        #expect(DocumentLifecycle.acknowledged(.accepted, by: "asw-th", facts: forwarded.facts)?.status == .partnerAccepted)
        #expect(DocumentLifecycle.acknowledged(Verdict(.rejected), by: "asw-th", facts: forwarded.facts)?.status == .partnerRejected)
        #expect(DocumentLifecycle.acknowledged(.received, by: "asw-th", facts: forwarded.facts) == nil, "a late RECEIVED changes nothing")
    }

    static func content(importing: String = "VN", exporting: String = "TH", hsCode: String = "72085100") -> DocumentLifecycle.Content {
        DocumentLifecycle.Content(name: "Certificate of origin", number: "TH2568-0451209", importingCountry: importing,
                                  exportingCountry: exporting, lines: [(1, hsCode)])
    }

    @Test func aDocumentFromAnotherNSWIsCheckedInTheASWOrder() {
        let facts = DocumentFacts(certificate: Self.certificate(), nsw: "asw-th")
        let (none, received) = DocumentLifecycle.received(Self.content(), from: "TH", own: "VN", status: nil, facts: facts)
        #expect(none == nil && received?.status == .received)
        let refusals: [(String, DocumentLifecycle.Content, CaseStatus?)] = [
            ("IMPORTING_COUNTRY_MISMATCH", Self.content(importing: "SG", hsCode: "7700000"), .received),
            ("DUPLICATE_DOCUMENT", Self.content(hsCode: "7700000"), .received),
            ("INVALID_HS_CODE", Self.content(exporting: "SG", hsCode: "77001000"), nil),
            ("BUSINESS_RULE_VIOLATION", Self.content(exporting: "SG"), nil),
        ]
        for (code, content, status) in refusals {
            let (refusal, transition) = DocumentLifecycle.received(content, from: "TH", own: "VN", status: status, facts: facts)
            #expect(refusal?.code == code, "\(code)")
            #expect(code == "DUPLICATE_DOCUMENT" ? transition == nil : transition?.status == .rejected, "\(code): a duplicate leaves the case as it is")
        }
        let (accepted, taken) = DocumentLifecycle.customsAnswered(accepted: true, reason: "", by: "customs-core", facts: facts)
        #expect(accepted == .accepted && taken.status == .accepted)
        let (rejected, refused) = DocumentLifecycle.customsAnswered(accepted: false, reason: "No such exporter.", by: "customs-core", facts: facts)
        #expect(rejected.code == "DOCUMENT_REJECTED_BY_CUSTOMS" && refused.status == .rejected)
    }
}
