import Foundation

/// Messages of the world's example chain, as the partners' samples under `MessageSpecs/`.
public enum SampleDocuments {
    /// MOIT `LicenceDecision-01.xml` (APPROVED, licence 00125/2025/GPNK-BCT), unsigned.
    public static let licenceDecision = sample("moit/LicenceDecision.v1/samples/LicenceDecision-01.xml")

    /// VCB `PaymentConfirmation-01.json`, unsigned.
    public static let paymentConfirmation = sample("bank-vcb/PaymentConfirmation.v1/samples/PaymentConfirmation-01.json")

    private static func sample(_ path: String) -> String {
        let file = RepositoryPaths.root + "/MessageSpecs/" + path
        guard let data = FileManager.default.contents(atPath: file) else {
            preconditionFailure("the sample \(file) is missing from the repository")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
