/// The kinds of case the hub keeps (world §1.5), each with its own key: an application by its id,
/// a permit by its number, a tax notice by its number, a payment by the bank's transaction
/// reference, a certificate of origin or an export declaration by its number. The raw values
/// are what the store and the tracking API say.
public enum CaseKind: String, Sendable, Codable, CaseIterable {
    /// A MOIT licence case, from the application to the licence's revocation.
    case application
    /// A ministry's permit (MARD), from its issue to its revocation.
    case permit
    case taxNotice = "taxnotice"
    case payment
    case certificate
    case exportDeclaration = "export-declaration"
}
