/// World §3 flow 3 as pure functions: a certificate of origin issued at home and followed through
/// the importing NSW's answers, and a certificate or export declaration received from another NSW,
/// checked in the ASW README's order and followed through customs' answer.
public enum DocumentLifecycle {
    public typealias Transition = CaseTransition<DocumentFacts>

    /// Outbound step 1–2: a certificate goes to `nsw`, the importing country's NSW when it is
    /// connected; it has no status until that NSW answers (world §1.5 names none for a Form D on
    /// its way); otherwise it is NOT_ROUTABLE. A number accepted before is `DUPLICATE_CERTIFICATE`.
    public static func issued(_ certificate: CertificateOfOrigin, known: Bool, nsw: String?) throws(GatewayError) -> Transition {
        guard !known else {
            throw GatewayError(ErrorCode(rawValue: "DUPLICATE_CERTIFICATE"),
                               "Certificate \(certificate.certificateNumber) was already accepted under another MessageId.", path: "certificateNumber")
        }
        let facts = DocumentFacts(certificate: certificate, nsw: nsw)
        guard let nsw else {
            return Transition(status: .notRoutable, facts: facts,
                              entries: [TimelineEntry("not-routable", .notRoutable, "the NSW of \(certificate.importingCountry) is not connected")])
        }
        return Transition(status: nil, facts: facts, entries: [TimelineEntry("issued", nil, "Form D for \(nsw)")])
    }

    /// Outbound step 3: the NSW's synchronous answer — its ACK's status when it could be read
    /// (`RECEIVED` or `ACCEPTED`: FORWARDED; `REJECTED`: PARTNER_REJECTED), else the HTTP outcome.
    public static func answered(ack: Verdict?, httpAccepted: Bool, httpStatus: Int?, by nsw: String, facts: DocumentFacts?) -> Transition {
        let forwarded = ack.map { $0.status != .rejected } ?? httpAccepted
        let detail = ack.map { $0.status == .rejected ? ($0.text ?? "") : "ACK \($0.status.rawValue)" }
            ?? "HTTP \(httpStatus ?? 0) without a readable ACK"
        let status: CaseStatus = forwarded ? .forwarded : .partnerRejected
        let answer = DocumentFacts.Answer(by: nsw, status: forwarded ? .received : .rejected, detail: detail)
        return Transition(status: status, facts: facts?.answered(answer), entries: [TimelineEntry(status.rawValue.lowercased(), status, detail)])
    }

    /// Outbound step 4: the NSW's asynchronous ACK — ACCEPTED or REJECTED; a RECEIVED sent
    /// afterwards changes nothing (nil).
    public static func acknowledged(_ ack: Verdict, by nsw: String, facts: DocumentFacts?) -> Transition? {
        let status: CaseStatus
        switch ack.status {
        case .accepted: status = .partnerAccepted
        case .rejected: status = .partnerRejected
        case .received: return nil
        }
        let detail = ack.status == .rejected ? ack.text ?? "" : "ACK ACCEPTED"
        return Transition(status: status, facts: facts?.answered(DocumentFacts.Answer(by: nsw, status: ack.status, detail: detail)),
                          entries: [TimelineEntry(status.rawValue.lowercased(), status, detail)])
    }

    /// What the hub checks of a document another NSW sent: its number, countries and goods lines.
    public struct Content: Sendable {
        public let name: String
        public let number: String
        public let importingCountry: String
        public let exportingCountry: String?
        public let lines: [(item: Int, hsCode: String)]

        public init(name: String, number: String, importingCountry: String, exportingCountry: String?, lines: [(item: Int, hsCode: String)]) {
            self.name = name
            self.number = number
            self.importingCountry = importingCountry
            self.exportingCountry = exportingCountry
            self.lines = lines
        }
    }

    /// Inbound step 1–2: a document from the NSW `sender`, to this NSW (`own`). Refused in the ASW
    /// README's order — another importing country, a number already received, an HS code outside
    /// the Harmonized System, an exporting country other than the sender's — with an asynchronous
    /// `ACK REJECTED` (the verdict); a duplicate leaves the first document's case as it is (nil).
    /// Otherwise RECEIVED, and the document goes to customs.
    public static func received(_ content: Content, from sender: String?, own: String, status: CaseStatus?,
                                facts: DocumentFacts) -> (refusal: Verdict?, transition: Transition?) {
        let refusal: Verdict? = if content.importingCountry != own {
            Verdict(.rejected, code: "IMPORTING_COUNTRY_MISMATCH",
                    text: "The document is for importing country \(content.importingCountry); this is the NSW of \(own).")
        } else if status == .received || status == .accepted {
            Verdict(.rejected, code: "DUPLICATE_DOCUMENT", text: "\(content.name) \(content.number) was already accepted under another MessageID.")
        } else if let (item, hsCode) = content.lines.first(where: { !HarmonizedSystem.isValid($0.hsCode) }) {
            Verdict(.rejected, code: "INVALID_HS_CODE",
                    text: "Item \(item): HS code \(hsCode) is not a heading of the Harmonized System that Viet Nam's tariff (AHTN) follows.")
        } else if let sender, content.exportingCountry != sender {
            Verdict(.rejected, code: "BUSINESS_RULE_VIOLATION",
                    text: "The document's exporting country is \(content.exportingCountry ?? "missing"); it was sent by the NSW of \(sender).")
        } else {
            nil
        }
        guard let refusal else {
            return (nil, Transition(status: .received, facts: facts, entries: [TimelineEntry("received", .received, "from \(facts.nsw ?? "?")")]))
        }
        guard refusal.code != "DUPLICATE_DOCUMENT" else { return (refusal, nil) }
        let detail = "\(refusal.code ?? ""): \(refusal.text ?? "")"
        return (refusal, Transition(status: .rejected, facts: facts.answered(DocumentFacts.Answer(by: own, status: .rejected, detail: detail)),
                                    entries: [TimelineEntry("rejected", .rejected, detail)]))
    }

    /// Inbound step 3: customs took the record (ACCEPTED) or refused it (REJECTED,
    /// `DOCUMENT_REJECTED_BY_CUSTOMS`); the verdict is the asynchronous ACK to the sender.
    public static func customsAnswered(accepted: Bool, reason: String, by customs: String, facts: DocumentFacts?) -> (Verdict, Transition) {
        let verdict = accepted ? Verdict.accepted : Verdict(.rejected, code: "DOCUMENT_REJECTED_BY_CUSTOMS", text: reason)
        let status: CaseStatus = accepted ? .accepted : .rejected
        let detail = verdict.code.map { "\($0): \(verdict.text ?? "")" } ?? "customs took the record"
        return (verdict, Transition(status: status, facts: facts?.answered(DocumentFacts.Answer(by: customs, status: verdict.status, detail: detail)),
                                    entries: [TimelineEntry(status.rawValue.lowercased(), status, detail)]))
    }
}

/// The Harmonized System as far as the gateway can judge a code without the full tariff: the
/// first two digits are a chapter, 01 to 97, and chapter 77 is reserved by the World Customs
/// Organization for future use. Viet Nam's AHTN subdivides these chapters.
public enum HarmonizedSystem {
    public static func isValid(_ code: String) -> Bool {
        guard code.count >= 6, code.allSatisfy(\.isASCII), code.allSatisfy(\.isNumber), let chapter = Int(code.prefix(2)) else { return false }
        return (1...97).contains(chapter) && chapter != 77
    }
}
