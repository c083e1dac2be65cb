/// How the licence a customs officer sees comes about: the world's tables 1b–1d and 4a as
/// functions of the records involved. The hub supplies the stored records they need.
extension Licence {
    /// World §3, 1b: an approved decision on the last application the NSW sent.
    public init(approving decision: LicenceDecision, application: LicenceApplication) throws(GatewayError) {
        guard decision.outcome == .approved else {
            throw GatewayError(ErrorCode(rawValue: "DECISION_INCOMPLETE"), "A \(decision.decision) decision produces no licence record.")
        }
        guard decision.applicationId == application.applicationId else {
            throw GatewayError(ErrorCode(rawValue: "UNKNOWN_APPLICATION"),
                               "The decision concerns \(decision.applicationId), not the application \(application.applicationId).")
        }
        guard let licenceNumber = decision.licenceNumber, let issueDate = decision.issueDate,
              let validFrom = decision.validFrom, let validUntil = decision.validUntil,
              let approved = decision.approvedLines, !approved.isEmpty else {
            throw GatewayError(ErrorCode(rawValue: "DECISION_INCOMPLETE"), "The approved decision lacks the licence number, dates or lines.")
        }
        // Each line found at once: looking for it through the lines before it made a licence's
        // cost grow with the square of its lines. An application numbers its lines 1, 2, … in
        // order as a rule, and then line n is at place n; hashing every line showed in profiles.
        let applied = application.goodsLines
        let numberedInOrder = applied.indices.allSatisfy { applied[$0].lineNo == $0 + 1 }
        let requestedLines = numberedInOrder ? [:] : Dictionary(applied.map { ($0.lineNo, $0) }, uniquingKeysWith: { first, _ in first })
        var lines: [GoodsLine] = []
        lines.reserveCapacity(approved.count)
        for line in approved {
            let place = line.lineNo - 1
            let found = numberedInOrder ? (applied.indices.contains(place) ? applied[place] : nil) : requestedLines[line.lineNo]
            guard let requested = found else {
                throw Licence.lineMismatch("Approved line \(line.lineNo) is not a line of application \(application.applicationId).")
            }
            guard requested.hsCode == line.hsCode, requested.unit == line.unit else {
                throw Licence.lineMismatch("Approved line \(line.lineNo) is \(line.hsCode) in \(line.unit); the application asked for \(requested.hsCode) in \(requested.unit).")
            }
            guard line.approvedQuantity <= requested.quantity else {
                throw Licence.lineMismatch("Approved line \(line.lineNo) grants \(line.approvedQuantity.json) \(line.unit), more than the \(requested.quantity.json) requested.")
            }
            lines.append(GoodsLine(lineNo: line.lineNo, hsCode: line.hsCode, description: requested.description,
                                   approvedQuantity: line.approvedQuantity, unit: line.unit))
        }
        self.init(licenceNumber: licenceNumber, issuingAuthority: decision.issuingAuthority, licenceType: application.licenceType,
                  applicationId: decision.applicationId, holderTaxCode: application.applicant.taxCode,
                  holderName: application.applicant.name, issueDate: issueDate, validFrom: validFrom, validUntil: validUntil,
                  status: Licence.active, amendmentNo: 0, recordVersion: 1, goodsLines: lines)
    }

    /// World §3, 1c: the previous record with the amendment's changes.
    public func amended(by amendment: LicenceAmendment) throws(GatewayError) -> Licence {
        var next = self
        next.recordVersion += 1
        next.amendmentNo = amendment.amendmentNo
        if let newValidUntil = amendment.newValidUntil { next.validUntil = newValidUntil }
        for change in amendment.amendedLines ?? [] {
            guard let index = next.goodsLines.firstIndex(where: { $0.lineNo == change.lineNo }) else {
                throw Licence.lineMismatch("Line \(change.lineNo) is not a line of licence \(licenceNumber).")
            }
            let line = next.goodsLines[index]
            guard line.hsCode == change.hsCode, line.unit == change.unit else {
                throw Licence.lineMismatch("Amended line \(change.lineNo) is \(change.hsCode) in \(change.unit); the licence line is \(line.hsCode) in \(line.unit).")
            }
            next.goodsLines[index].approvedQuantity = change.newApprovedQuantity
        }
        return next
    }

    /// World §3, 1d: the previous record, revoked.
    public func revoked(by revocation: LicenceRevocation) -> Licence {
        var next = self
        next.recordVersion += 1
        next.status = Licence.revoked
        next.revokedAt = revocation.effectiveTime
        next.revocationReason = revocation.reason
        next.revocationReference = revocation.revocationDecisionNo
        return next
    }

    /// World §3, 4a and 5a: a ministry's permit as a licence record. `previous` is the last record
    /// sent for the permit (nil for its first): the new one counts on from its version, and a
    /// revocation keeps its amendment number (a revocation is not an amendment).
    public init(permit: Permit, previous: Licence?) throws(GatewayError) {
        guard let validFrom = permit.validFrom, let validUntil = permit.validUntil else {
            throw GatewayError(ErrorCode(rawValue: "VALIDITY_MISSING"), "A \(permit.permitStatus) permit without validity produces no licence record.")
        }
        let revoked = permit.decided == .revoked
        self.init(licenceNumber: permit.permitNumber, issuingAuthority: permit.issuingAuthority, licenceType: permit.licenceType,
                  applicationId: nil, holderTaxCode: permit.holder.taxCode, holderName: permit.holder.name,
                  issueDate: permit.issueDate, validFrom: validFrom, validUntil: validUntil, status: revoked ? Licence.revoked : Licence.active,
                  amendmentNo: revoked ? previous?.amendmentNo ?? permit.revision : permit.revision,
                  recordVersion: (previous?.recordVersion ?? 0) + 1,
                  revokedAt: revoked ? permit.decidedAt : nil, revocationReason: revoked ? permit.reason : nil,
                  goodsLines: permit.goods.map {
                      GoodsLine(lineNo: $0.lineNo, hsCode: $0.hsCode, description: $0.description, approvedQuantity: $0.quantity, unit: $0.unit)
                  })
    }

    static func lineMismatch(_ message: String) -> GatewayError {
        GatewayError(ErrorCode(rawValue: "LINE_MISMATCH"), message)
    }
}
