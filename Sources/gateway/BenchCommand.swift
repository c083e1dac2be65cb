import ArgumentParser
import Foundation
import GatewayBenchmarks

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the gateway's hot paths.",
        subcommands: [SignaturesBenchCommand.self, SpecsBenchCommand.self, LoadBenchCommand.self, UsageBenchCommand.self]
    )

    /// This gateway binary, which the benchmarks that drive `gateway serve` start.
    static var thisBinary: String { URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path }
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

struct SpecsBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "specs",
        abstract: "Messages per second through validate + map + render (LicenceDecision → LicenceRecord, bank payments → PaymentRecord)."
    )

    @Option(name: .long, help: "The message specs directory.")
    var specs = "MessageSpecs"

    @Option(name: .long, help: "Seconds to run each case.")
    var seconds = 2.0

    @Option(name: .long, help: "Goods lines of the licence decision.")
    var goodsLines = 50

    @Option(name: .long, help: "Run only the cases whose name contains this text.")
    var filter: String?

    func run() throws {
        do {
            try SpecBenchmark(specifications: specs, seconds: seconds, goodsLines: goodsLines, filter: filter).run { print($0) }
        } catch {
            throw CommandFailure.exit(error)
        }
    }
}

struct LoadBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Accepted messages per second and latency of gateway serve under signed MOIT LicenceDecisions.",
        discussion: "Starts this gateway binary's serve (--instances of them) on a fresh database with simulated partners; run from the repository."
    )

    @Option(name: .long, help: "Decisions to post (after as many applications).")
    var count = 2000

    @Option(name: .long, help: "Clients posting at once.")
    var concurrency = 32

    @Option(name: .long, help: "sqlite (the default), postgres (a throwaway server on this machine) or the postgres:// URL of an empty database.")
    var database: String?

    @Option(name: .long, help: "gateway serve processes sharing the PostgreSQL database; clients post to each in turn.")
    var instances = 1

    @Option(name: .long, help: "The repository (Partners, MessageSpecs, Certificates).")
    var root = FileManager.default.currentDirectoryPath

    func run() async throws {
        do {
            try await LoadBenchmark(gateway: BenchCommand.thisBinary, root: root, count: count, concurrency: concurrency,
                                    database: try BenchDatabase(database), instances: instances).run { print($0) }
        } catch {
            throw CommandFailure.exit(error)
        }
    }
}

struct UsageBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage",
        abstract: "What the N-th LicenceUsage on one licence costs gateway serve, against the first.",
        discussion: "Starts this gateway binary's serve on a fresh embedded database with simulated partners; run from the repository."
    )

    @Option(name: .long, help: "Usages to post on the one licence.")
    var count = 3000

    @Option(name: .long, help: "The repository (Partners, MessageSpecs, Certificates).")
    var root = FileManager.default.currentDirectoryPath

    func run() async throws {
        do {
            try await UsageBenchmark(gateway: BenchCommand.thisBinary, root: root, count: count).run { print($0) }
        } catch {
            throw CommandFailure.exit(error)
        }
    }
}
