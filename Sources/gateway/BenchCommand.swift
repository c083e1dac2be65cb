import ArgumentParser
import GatewayBenchmarks

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the gateway's hot paths.",
        subcommands: [SignaturesBenchCommand.self]
    )
}

struct SignaturesBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signatures",
        abstract: "Operations per second of XML-DSig and JWS signing and verification, with baselines."
    )

    @Option(name: .long, help: "The demo PKI directory (made by Certificates/make-demo-pki.sh).")
    var certificates = "Certificates/demo"

    @Option(name: .long, help: "The message specs directory, whose samples are the benchmark's documents.")
    var specs = "MessageSpecs"

    @Option(name: .long, help: "Seconds to run each case.")
    var seconds = 2.0

    func run() throws {
        do {
            try SignatureBenchmark(certificates: certificates, specifications: specs, seconds: seconds).run { print($0) }
        } catch {
            throw CommandFailure.exit(error)
        }
    }
}
