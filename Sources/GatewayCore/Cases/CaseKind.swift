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

extension CaseKind {
    /// How the messages about a case of this kind name it (`application/IA-1`): the order of
    /// delivery is kept per business key, and the message log is searched by it.
    public func businessKey(_ key: String) -> String { "\(rawValue)/\(key)" }

    /// The case's key in a message's business key, when the message is about a case of this kind.
    public func key(inBusinessKey businessKey: String?) -> String? {
        guard let businessKey, businessKey.hasPrefix(rawValue), businessKey.dropFirst(rawValue.count).first == "/" else { return nil }
        return String(businessKey.dropFirst(rawValue.count + 1))
    }
}
