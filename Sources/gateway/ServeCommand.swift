import ArgumentParser
import HTTPAPI
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway's HTTP server (for now: GET /health; the message endpoints come with the hub)."
    )

    @Option(name: .long, help: "The address to listen on; 0.0.0.0 to accept connections from other hosts.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "The port to listen on.")
    var port = 8080

    func run() async throws {
        var logger = Logger(label: "gateway")
        logger.logLevel = .info
        let application = GatewayServer.application(ServerConfiguration(host: host, port: port), logger: logger)
        try await application.runService()
    }
}
