import GatewayCore

/// The flows of world §3 the gateway runs: the steps for partners' messages and for partners'
/// answers to the gateway's deliveries.
public enum Flows {
    public static let steps: [any FlowStep] = [
        LicenceApplicationStep(), LicenceDecisionStep(), LicenceAmendmentStep(), LicenceRevocationStep(), LicenceUsageStep(),
        PermitStep(), QuarantineResultStep(),
        TaxNoticeStep(), PaymentConfirmationStep(), BankNotificationStep(),
        CertificateIssuedStep(), AseanDocumentStep(.certificate), AseanDocumentStep(.declaration),
        AseanAcknowledgementStep(),
    ]

    public static let deliverySteps: [any DeliveryStep] = [
        ApplicationDeliveredStep(), LicenceRecordDeliveredStep(), FormDDeliveredStep(),
        AseanRecordDeliveredStep(.certificate), AseanRecordDeliveredStep(.declaration),
    ]
}

/// How steps are found: by the record a message carries and the role of the partner it is from
/// (or, for deliveries, to).
struct StepKey: Hashable {
    let record: String
    let role: PartnerRole
}
