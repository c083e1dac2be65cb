/// The flows of world §3 the gateway runs: the steps for partners' messages and for partners'
/// answers to the gateway's deliveries.
public enum Flows {
    public static let steps: [any FlowStep] = [
        LicenceApplicationStep(), LicenceDecisionStep(), LicenceAmendmentStep(), LicenceRevocationStep(), LicenceUsageStep(),
        PermitStep(), QuarantineResultStep(),
        TaxNoticeStep(), PaymentConfirmationStep(), BankNotificationStep(),
        CertificateIssuedStep(), AseanDocumentStep(message: "asw/FORM_D"), AseanDocumentStep(message: "asw/ACDD"),
        AseanAcknowledgementStep(),
    ]

    public static let deliverySteps: [any DeliveryStep] = [
        ApplicationDeliveredStep(), LicenceRecordDeliveredStep(), FormDDeliveredStep(),
        AseanRecordDeliveredStep(record: "customs-core/CertificateOfOriginRecord"),
        AseanRecordDeliveredStep(record: "customs-core/AseanExportDeclarationRecord"),
    ]
}
