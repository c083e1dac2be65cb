import ArgumentParser
import Foundation
import GatewayCore
import MessageSpecs

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check partner messages against their schema and their spec's rules (not their signatures).",
        discussion: """
        Detects each file's partner and message type. Prints OK partner/type, or every error with \
        its path. A trailing ds:Signature is accepted as the schemas allow; a JSON message may be \
        plain JSON or a JWS compact string (its payload is validated). Exits 0 only if all are valid.
        """
    )

    @OptionGroup var specs: SpecsOption

    @Argument(help: "The messages to check; - reads standard input.")
    var files: [String]

    func run() throws {
        let registry: SpecRegistry
        do {
            registry = try specs.registry()
        } catch {
            throw CommandFailure.exit(error)
        }
        var allValid = true
        for file in files {
            let label = files.count > 1 ? " (\(file))" : ""
            do throws(GatewayError) {
                let input = try MessageInput.read(file)
                let message = try registry.read(input.bytes)
                // Without a case to check first, a rule checked after it is a rule like the others.
                if let refusal = message.refusalAfterCase { throw refusal }
                print("OK \(message.spec.key)\(label)\(input.wasJWS ? " — the JWS payload; its signature is not checked here" : "")")
            } catch {
                allValid = false
                print("INVALID \(error.code)\(label): \(error.message)")
                for detail in error.details { print("  \(detail)") }
            }
        }
        if !allValid { throw ExitCode.failure }
    }
}
