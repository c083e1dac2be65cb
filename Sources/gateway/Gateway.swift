import ArgumentParser

@main
struct Gateway: AsyncParsableCommand {
    /// Raised with each release; the store's schema version is the migrations'.
    static let version = "0.13.0"

    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "The national Single Window Gateway: translates, signs, verifies and delivers trade messages.",
        version: "single-window-gateway \(Gateway.version)",
        subcommands: [ServeCommand.self, EvidenceCommand.self, SignCommand.self, VerifyCommand.self, ValidateCommand.self, TranslateCommand.self,
                      SpecsCommand.self, PartnersCommand.self, AuditCommand.self, CredentialsCommand.self, BenchCommand.self, DemoCommand.self]
    )
}
