import GatewayCore

/// The translations of world §3, table by table, from a canonical record to a canonical record:
/// which partner's format either side is written in is the specs' business, not the route's.
enum Routes {
    static let all: [Route] = [
        // 1a: the application filed on the portal, submitted to the licensing authority.
        Route(from: LicenceApplication.recordName, to: LicenceApplication.recordName, needs: nil) { message, _, _ throws(GatewayError) in
            [(message.record, MessageEnvelope())]
        },
        // 1b: an approved decision and the last application sent → the first licence record.
        Route(from: LicenceDecision.recordName, to: Licence.recordName,
              needs: "the last ImportLicenceApplication sent for the decision's ApplicationId") { message, inputs, _ throws(GatewayError) in
            let decision = try message.decode(LicenceDecision.self)
            let application = try TranslationInput.context(inputs, as: LicenceApplication.self,
                                                           needs: "the ImportLicenceApplication of \(decision.applicationId)",
                                                           matching: { $0.applicationId == decision.applicationId },
                                                           latest: { $0.submissionNo < $1.submissionNo })
            return [(try TranslationInput.encode(try Licence(approving: decision, application: application)), MessageEnvelope())]
        },
        // 1c: an amendment and the licence's last record → the next record.
        Route(from: LicenceAmendment.recordName, to: Licence.recordName,
              needs: "the last LicenceRecord sent for the licence") { message, inputs, _ throws(GatewayError) in
            let amendment = try message.decode(LicenceAmendment.self)
            let previous = try lastRecord(of: amendment.licenceNumber, inputs)
            return [(try TranslationInput.encode(try previous.amended(by: amendment)), MessageEnvelope())]
        },
        // 1d: a revocation and the licence's last record → the revoked record.
        Route(from: LicenceRevocation.recordName, to: Licence.recordName,
              needs: "the last LicenceRecord sent for the licence") { message, inputs, _ throws(GatewayError) in
            let revocation = try message.decode(LicenceRevocation.self)
            let previous = try lastRecord(of: revocation.licenceNumber, inputs)
            return [(try TranslationInput.encode(previous.revoked(by: revocation)), MessageEnvelope())]
        },
        // 4a, 5a: a ministry's permit at a revision → the permit's next licence record.
        Route(from: Permit.recordName, to: Licence.recordName,
              needs: "the last LicenceRecord sent for the permit, if any") { message, inputs, _ throws(GatewayError) in
            let permit = try message.decode(Permit.self)
            let licence = try Licence(permit: permit, previous: try? lastRecord(of: permit.permitNumber, inputs))
            return [(try TranslationInput.encode(licence), MessageEnvelope())]
        },
        // 2a: a bank's confirmation → the payment record.
        Route(from: Payment.recordName, to: Payment.recordName, needs: nil) { message, _, _ throws(GatewayError) in
            [(message.record, MessageEnvelope())]
        },
        // 2b: each entry of a bank notification → a payment record.
        Route(from: BankNotification.recordName, to: Payment.recordName, needs: nil) { message, _, _ throws(GatewayError) in
            let notification = try message.decode(BankNotification.self)
            var records: [(JSONValue, MessageEnvelope)] = []
            for entry in notification.entries { records.append((try TranslationInput.encode(entry), MessageEnvelope())) }
            return records
        },
        // 2d: the answer to a bank, accepted unless the verdict says otherwise.
        Route(from: Payment.recordName, to: PaymentOutcome.recordName,
              needs: "the verdict (ACCEPTED, or REJECTED CODE: text)") { message, inputs, translator throws(GatewayError) in
            let payment = try message.decode(Payment.self)
            let verdict = inputs.verdicts.first ?? .accepted
            guard verdict.status != .rejected || verdict.code != nil else {
                throw GatewayError(.configurationInvalid, "A rejected payment needs the reason: REJECTED CODE: text.")
            }
            return [(try TranslationInput.encode(PaymentOutcome(payment: payment, verdict: verdict, decidedAt: translator.now)), MessageEnvelope())]
        },
        Route(from: BankNotification.recordName, to: NotificationResult.recordName,
              needs: "one verdict per entry (ACCEPTED, or REJECTED CODE: text)") { message, inputs, _ throws(GatewayError) in
            let notification = try message.decode(BankNotification.self)
            guard inputs.verdicts.count == notification.entries.count else {
                throw GatewayError(.configurationInvalid,
                    "The notification has \(notification.entries.count) entries; give one verdict for each, not \(inputs.verdicts.count).")
            }
            return [(try TranslationInput.encode(NotificationResult(notification: notification, verdicts: inputs.verdicts)), MessageEnvelope())]
        },
        // 3a: a certificate issued at home → the Form D for the importing country's NSW; 3b: one
        // an ASEAN NSW sent (it names its source) → the record for customs, as it came.
        Route(from: CertificateOfOrigin.recordName, to: CertificateOfOrigin.recordName, needs: nil) { message, _, translator throws(GatewayError) in
            let certificate = try message.decode(CertificateOfOrigin.self)
            guard certificate.sourceNSW == nil else { return [(message.record, MessageEnvelope())] }
            return [(try TranslationInput.encode(certificate.forASEAN(exportingCountry: translator.ownNSW)),
                     MessageEnvelope(sender: translator.ownNSW, receiver: certificate.importingCountry))]
        },
        // 3c: an export declaration from another NSW → the record for customs.
        Route(from: AseanDeclaration.recordName, to: AseanDeclaration.recordName, needs: nil) { message, _, _ throws(GatewayError) in
            [(message.record, MessageEnvelope())]
        },
        // 3d: the NSW's acknowledgement of a document it received.
        Route(from: CertificateOfOrigin.recordName, to: Acknowledgement.recordName,
              needs: "the verdict (RECEIVED, ACCEPTED, or REJECTED CODE: text)") { message, inputs, translator throws(GatewayError) in
            let certificate = try message.decode(CertificateOfOrigin.self)
            return try acknowledgement(message, reference: certificate.certificateNumber, inputs, translator)
        },
        Route(from: AseanDeclaration.recordName, to: Acknowledgement.recordName,
              needs: "the verdict (RECEIVED, ACCEPTED, or REJECTED CODE: text)") { message, inputs, translator throws(GatewayError) in
            let declaration = try message.decode(AseanDeclaration.self)
            return try acknowledgement(message, reference: declaration.exportDeclarationNumber, inputs, translator)
        },
    ]

    private static func lastRecord(of licenceNumber: String, _ inputs: Translator.Inputs) throws(GatewayError) -> Licence {
        try TranslationInput.context(inputs, as: Licence.self, needs: "the last LicenceRecord of \(licenceNumber)",
                                     matching: { $0.licenceNumber == licenceNumber },
                                     latest: { $0.recordVersion < $1.recordVersion })
    }

    private static func acknowledgement(_ message: ReadMessage, reference: String, _ inputs: Translator.Inputs,
                                        _ translator: Translator) throws(GatewayError) -> [(JSONValue, MessageEnvelope)] {
        guard let verdict = inputs.verdicts.first else {
            throw GatewayError(.configurationInvalid, "An ACK needs the verdict: RECEIVED, ACCEPTED, or REJECTED CODE: text.")
        }
        let envelope = MessageEnvelope(sender: translator.ownNSW, receiver: message.envelope.sender, reference: message.envelope.messageId)
        return [(try TranslationInput.encode(Acknowledgement(of: reference, verdict: verdict)), envelope)]
    }
}
