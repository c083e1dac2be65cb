import ArgumentParser
import Foundation
import GatewayCore
import MessageSpecs

struct TranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Print FILE translated into another partner's message (world §3).",
        discussion: """
        The context files are the stored messages a rule needs: the application behind a decision, \
        the last LicenceRecord behind an amendment or revocation. Answers that carry the gateway's \
        decision take it as --verdict: ACCEPTED, RECEIVED, or "REJECTED CODE: text" (one per entry \
        of a BIDV notification). New message ids are random, times are now in Viet Nam time.
        """
    )

    @OptionGroup var specs: SpecsOption

    @Option(name: .long, help: "The target message, PARTNER/TYPE (see `gateway specs`).")
    var to: String

    @Option(name: .long, parsing: .upToNextOption, help: "Stored messages the translation needs.")
    var context: [String] = []

    @Option(name: .long, help: "The gateway's decision, for answers (repeat for several entries).")
    var verdict: [String] = []

    @Argument(help: "The message to translate; - reads standard input.")
    var file: String?

    /// `--context A B FILE` reads FILE as one more context file: the last one is the message then.
    private var message: (file: String, context: [String])? {
        if let file { return (file, context) }
        guard let last = context.last else { return nil }
        return (last, Array(context.dropLast()))
    }

    func validate() throws {
        guard message != nil else { throw ValidationError("Missing the message to translate (FILE).") }
    }

    func run() throws {
        do {
            let registry = try specs.registry()
            guard let (file, context) = self.message else { throw GatewayError(.configurationInvalid, "Missing the message to translate (FILE).") }
            let message = try registry.read(try MessageInput.read(file).bytes)
            var stored: [ReadMessage] = []
            for path in context { stored.append(try registry.read(try MessageInput.read(path).bytes)) }
            var verdicts: [Verdict] = []
            for text in verdict {
                guard let parsed = Verdict(text) else {
                    throw GatewayError(.configurationInvalid, "--verdict must be ACCEPTED, RECEIVED, or \"REJECTED CODE: text\", not \(text).")
                }
                verdicts.append(parsed)
            }
            let outputs = try Translator(registry: registry).translate(message, to: to, inputs: .init(context: stored, verdicts: verdicts))
            for output in outputs { FileHandle.standardOutput.write(Data(output.bytes)) }
        } catch {
            throw CommandFailure.exit(error)
        }
    }
}
