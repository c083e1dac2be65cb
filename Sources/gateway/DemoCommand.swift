import ArgumentParser
import Demo
import Foundation

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Play the world's example chain through all four flows, then leave the tracking page open.",
        discussion: """
        Starts the gateway on a fresh embedded database with the partners simulated in process, \
        each signing with its own demo certificate. Prints every message as it passes and the \
        timelines at the end. Run from the repository (it reads Partners, MessageSpecs and Certificates).
        """
    )

    @Option(name: .long, help: "The port of the gateway and its tracking page.")
    var port = 8080

    @Option(name: .long, help: "sqlite:PATH, as serve takes it: the demo's database, created afresh (an existing one is replaced).")
    var database = "sqlite:var/demo.sqlite"

    func validate() throws {
        guard database.hasPrefix("sqlite:"), database.count > "sqlite:".count else {
            throw ValidationError("--database is sqlite:PATH (the demo runs on a fresh embedded database), not \(database).")
        }
    }

    @Option(name: .long, help: "The repository (Partners, MessageSpecs, Certificates).")
    var root = FileManager.default.currentDirectoryPath

    @Flag(name: .long, help: "Exit after the timelines instead of serving the tracking page.")
    var once = false

    func run() async throws {
        // The transcript tells the story; the gateway's own log says only what went wrong.
        GatewayLogging.bootstrap(format: .text, level: .warning)
        do {
            // Unbuffered lines: a person watches the messages pass.
            try await GatewayDemo(root: root, database: String(database.dropFirst("sqlite:".count)), port: port, once: once).run { line in
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
            }
        } catch {
            throw CommandFailure.exit(error)
        }
    }
}
