/// The world's example chain (world README §4), as partners send it: which partner posts which
/// sample of `MessageSpecs/`, in order. An ASEAN NSW's asynchronous ACK names the Form D it
/// received from the gateway, whose MessageID is known only when it arrives.
struct DemoStep: Sendable {
    let flow: String?
    let partner: String
    let sample: String
    /// The sample's own ReferenceMessageID, replaced by the Form D this partner received.
    let acknowledges: String?

    init(_ partner: String, _ sample: String, flow: String? = nil, acknowledges: String? = nil) {
        self.flow = flow
        self.partner = partner
        self.sample = sample
        self.acknowledges = acknowledges
    }
}

enum DemoScript {
    static let steps: [DemoStep] = [
        DemoStep("customs-core", "customs-core/ImportApplication.v2/samples/ImportApplication-01.json", flow: "Flow 1 — import licence (MOIT)"),
        DemoStep("moit", "moit/LicenceDecision.v1/samples/LicenceDecision-01.xml"),
        DemoStep("customs-core", "customs-core/LicenceUsage.v2/samples/LicenceUsage-01.json"),
        DemoStep("moit", "moit/LicenceAmendment.v1/samples/LicenceAmendment-01.xml"),
        DemoStep("moit", "moit/LicenceAmendment.v1/samples/LicenceAmendment-02.xml"),
        DemoStep("moit", "moit/LicenceRevocation.v1/samples/LicenceRevocation-01.xml"),
        DemoStep("customs-core", "customs-core/ImportApplication.v2/samples/ImportApplication-02.json"),
        DemoStep("moit", "moit/LicenceDecision.v1/samples/LicenceDecision-02.xml"),

        DemoStep("customs-core", "customs-core/TaxNotice.v2/samples/TaxNotice-01.json", flow: "Flow 2 — tax payment"),
        DemoStep("bank-vcb", "bank-vcb/PaymentConfirmation.v1/samples/PaymentConfirmation-01.json"),
        DemoStep("bank-vcb", "bank-vcb/PaymentConfirmation.v1/samples/PaymentConfirmation-04.json"),
        DemoStep("customs-core", "customs-core/TaxNotice.v2/samples/TaxNotice-03.json"),
        DemoStep("bank-vcb", "bank-vcb/PaymentConfirmation.v1/samples/PaymentConfirmation-02.json"),
        DemoStep("bank-vcb", "bank-vcb/PaymentConfirmation.v1/samples/PaymentConfirmation-03.json"),
        DemoStep("customs-core", "customs-core/TaxNotice.v2/samples/TaxNotice-02.json"),
        DemoStep("bank-bidv", "bank-bidv/camt.054.001.08/samples/camt.054-01.xml"),
        DemoStep("customs-core", "customs-core/TaxNotice.v2/samples/TaxNotice-04.json"),
        DemoStep("bank-bidv", "bank-bidv/camt.054.001.08/samples/camt.054-02.xml"),

        DemoStep("moit", "moit/CertificateOfOriginIssued.v1/samples/CertificateOfOriginIssued-01.xml", flow: "Flow 3 — ASEAN exchange"),
        DemoStep("asw-th", "asw/ACK.v1/samples/ACK-02-TH-ACCEPTED.xml", acknowledges: "aacc49e0-9879-48e4-8248-40bf336c16dc"),
        DemoStep("moit", "moit/CertificateOfOriginIssued.v1/samples/CertificateOfOriginIssued-02.xml"),
        DemoStep("asw-sg", "asw/ACK.v1/samples/ACK-03-SG-REJECTED.xml", acknowledges: "ff43c227-ece0-4359-af2d-6a43a950a74c"),
        DemoStep("asw-sg", "asw/FORM_D.v1/samples/FORM_D-03-SG-to-VN.xml"),
        DemoStep("asw-th", "asw/FORM_D.v1/samples/FORM_D-04-TH-to-VN.xml"),
        DemoStep("asw-sg", "asw/ACDD.v1/samples/ACDD-01-SG-to-VN.xml"),
        DemoStep("asw-th", "asw/ACDD.v1/samples/ACDD-02-TH-to-VN.xml"),

        DemoStep("mard", "mard/phyto_imp_permit.v2/samples/phyto_imp_permit-01.xml", flow: "Flow 4 — phytosanitary permit (MARD)"),
        DemoStep("customs-core", "customs-core/LicenceUsage.v2/samples/LicenceUsage-02.json"),
        DemoStep("mard", "mard/qrtn_result.v2/samples/qrtn_result-01.xml"),
        DemoStep("mard", "mard/qrtn_result.v2/samples/qrtn_result-02.xml"),
        DemoStep("mard", "mard/phyto_imp_permit.v2/samples/phyto_imp_permit-02.xml"),

        DemoStep("moh", "moh/FoodImportPermit.v1/samples/FoodImportPermit-01.xml", flow: "Flow 5 — food-safety import permit (MOH)"),
        DemoStep("customs-core", "customs-core/LicenceUsage.v2/samples/LicenceUsage-03.json"),
        DemoStep("moh", "moh/FoodImportPermit.v1/samples/FoodImportPermit-02.xml"),
        DemoStep("moh", "moh/FoodImportPermit.v1/samples/FoodImportPermit-03.xml"),
        DemoStep("moh", "moh/FoodImportPermit.v1/samples/FoodImportPermit-04.xml"),
    ]
}
