import GatewayCore

/// The canonical records a spec may name with `record:`.
public enum CanonicalRecords {
    public static let all: [any CanonicalRecord.Type] = [
        LicenceApplication.self, LicenceDecision.self, LicenceAmendment.self, LicenceRevocation.self, Licence.self,
        LicenceUsage.self, Permit.self, QuarantineResult.self, TaxNotice.self, Payment.self,
        BankNotification.self, PaymentOutcome.self, NotificationResult.self, CertificateOfOrigin.self,
        AseanDeclaration.self, Acknowledgement.self,
    ]

    static func named(_ name: String) -> (any CanonicalRecord.Type)? {
        all.first { $0.recordName == name }
    }

    static func shape(of type: any CanonicalRecord.Type) -> RecordShape {
        func open<T: CanonicalRecord>(_ type: T.Type) -> RecordShape { RecordShape(of: type) }
        return open(type)
    }
}
