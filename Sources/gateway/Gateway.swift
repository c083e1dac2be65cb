import ArgumentParser

@main
struct Gateway: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "The national Single Window Gateway: translates, signs, verifies and delivers trade messages.",
        subcommands: [ServeCommand.self, SignCommand.self, VerifyCommand.self, ValidateCommand.self, TranslateCommand.self,
                      SpecsCommand.self, AuditCommand.self, CredentialsCommand.self, BenchCommand.self, DemoCommand.self]
    )
}
