import Access
import ArgumentParser
import Foundation
import GatewayCore

struct CredentialsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credentials",
        abstract: "Manage the credentials file of serve (README \"Access rights\").",
        subcommands: [CredentialsAddCommand.self]
    )
}

struct CredentialsAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a credential with a new API token; the token is printed once and only its hash is kept.",
        discussion: "A page password (officers, operators) is read from standard input with --password-stdin, never from the command line."
    )

    @Option(name: .long, help: "The credentials file (made if missing, readable by its owner only).")
    var file = "var/credentials.yaml"

    @Option(name: .long, help: "The credential's name, shown in logs and on the tracking page.")
    var name: String

    @Option(name: .long, help: "partner, officer or operator.")
    var role: String

    @Option(name: .long, help: "For the partner role: the partner id (bank-vcb) whose messages and cases it reads.")
    var partner: String?

    @Flag(name: .long, help: "Read a password for the tracking page's sign-in from standard input (its first line).")
    var passwordStdin = false

    func validate() throws {
        guard let role = Role(rawValue: role) else { throw ValidationError("--role is partner, officer or operator, not \(self.role).") }
        if role == .partner, partner == nil { throw ValidationError("A partner credential names its partner: --partner bank-vcb.") }
        if role != .partner, partner != nil { throw ValidationError("Only a partner credential names a partner.") }
        if role == .partner, passwordStdin { throw ValidationError("Partners use tokens only; page passwords are for officers and operators.") }
    }

    func run() async throws {
        var password: String?
        if passwordStdin {
            guard let line = readLine(strippingNewline: true), line.count >= 12 else {
                throw CommandFailure.exit(GatewayError(.configurationInvalid, "The password (first line of standard input) must have at least 12 characters."))
            }
            password = line
        }
        do {
            let issued = try CredentialFile.add(name: name, role: Role(rawValue: role)!, partner: partner, password: password, to: file)
            print("Added \(issued.name) (\(issued.role.rawValue)) to \(file). Its API token, shown this once:")
            print(issued.token)
        } catch {
            throw CommandFailure.exit(error)
        }
    }
}
