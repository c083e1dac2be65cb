/// What the hub knows of a certificate of origin or an ASEAN export declaration: the document,
/// the NSW it goes to or came from, and the answers it got.
public struct DocumentFacts: CaseFacts {
    public var certificate: CertificateOfOrigin?
    public var declaration: AseanDeclaration?
    /// The partner NSW (its partner id), nil when the importing country's NSW is not connected.
    public var nsw: String?
    /// Each answer, oldest first: the partner NSW's ACKs, customs' answer to the record.
    public var answers: [Answer]

    public struct Answer: Codable, Sendable, Equatable {
        /// Who answered (a partner id).
        public var by: String
        /// `RECEIVED`, `ACCEPTED` or `REJECTED`.
        public var status: Verdict.Status
        public var detail: String?

        public init(by: String, status: Verdict.Status, detail: String?) {
            self.by = by
            self.status = status
            self.detail = detail
        }
    }

    public init(certificate: CertificateOfOrigin? = nil, declaration: AseanDeclaration? = nil, nsw: String?) {
        self.certificate = certificate
        self.declaration = declaration
        self.nsw = nsw
        answers = []
    }

    /// The facts with one more answer.
    public func answered(_ answer: Answer) -> DocumentFacts {
        var next = self
        next.answers.append(answer)
        return next
    }
}
