import Access
import Foundation

/// Credentials of the tests: one of each role, partners for MOIT and VCB, known tokens, and a
/// page password hashed with few rounds (the real 600,000 would slow every sign-in test).
public enum TestAccess {
    public static let operatorToken = "swg_test-operator-token"
    public static let officerToken = "swg_test-officer-token"
    public static let moitToken = "swg_test-moit-token"
    public static let vcbToken = "swg_test-vcb-token"
    public static let officerPassword = "correct horse battery staple"
    public static let operatorPassword = "a different horse, a different staple"
    public static let sessionKey = [UInt8](repeating: 7, count: 32)

    public static let credentials = Credentials(file: "test credentials", entries: [
        Credential(name: "ops", role: .operator, token: Secret.tokenHash(operatorToken),
                   password: Secret.passwordHash(operatorPassword, iterations: 1000)),
        Credential(name: "officer-huong", role: .officer, token: Secret.tokenHash(officerToken),
                   password: Secret.passwordHash(officerPassword, iterations: 1000)),
        Credential(name: "moit-eps", role: .partner, partner: "moit", token: Secret.tokenHash(moitToken)),
        Credential(name: "vcb-integration", role: .partner, partner: "bank-vcb", token: Secret.tokenHash(vcbToken)),
    ])

    /// The credentials as a file, for a `gateway serve` of the tests.
    public static func file(in directory: String) throws -> String {
        let path = directory + "/credentials.yaml"
        try Credentials.yaml(credentials.entries).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    public static func bearer(_ token: String) -> String { "Bearer \(token)" }
}
