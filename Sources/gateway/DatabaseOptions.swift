import ArgumentParser
import Foundation
import GatewayCore
import Store

/// Where the store is, with no secret on the command line.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "sqlite:PATH or a postgres:// URL without its password (default: GATEWAY_DATABASE_URL, else sqlite:var/gateway.sqlite).")
    var database: String?

    @Option(name: .long, help: "A file whose first line is the PostgreSQL password (or GATEWAY_DATABASE_PASSWORD).")
    var databasePasswordFile: String?

    func location() throws(GatewayError) -> DatabaseLocation {
        try DatabaseLocation.resolve(given: database, passwordFile: databasePasswordFile, environment: ProcessInfo.processInfo.environment)
    }
}
