import Foundation
import GatewayCore
import Store
import Testing
import TestSupport

/// The database's password stays off the command line.
@Suite struct DatabaseLocationTests {
    @Test func thePasswordComesFromTheEnvironmentOrAFileNeverTheCommandLine() throws {
        #expect {
            try DatabaseLocation.resolve(given: "postgres://gateway:s3cret@db:5432/gateway", passwordFile: nil, environment: [:])
        } throws: { ($0 as? GatewayError)?.message.contains("on the command line") == true }

        let fromEnvironment = try DatabaseLocation.resolve(given: "postgres://gateway@db:5432/gateway", passwordFile: nil,
                                                           environment: ["GATEWAY_DATABASE_PASSWORD": "s3cret"])
        #expect(fromEnvironment == .postgres(url: "postgres://gateway:s3cret@db:5432/gateway"))
        #expect(fromEnvironment.description == "postgres://gateway:***@db:5432/gateway")

        let file = temporaryDirectory("db-password") + "/password"
        write("p@ss:word\n", to: file)
        let fromFile = try DatabaseLocation.resolve(given: "postgres://gateway@db/gateway", passwordFile: file, environment: [:])
        guard case .postgres(let url) = fromFile else { Issue.record("not PostgreSQL"); return }
        #expect(URLComponents(string: url)?.password == "p@ss:word")

        let whole = try DatabaseLocation.resolve(given: nil, passwordFile: nil,
                                                 environment: ["GATEWAY_DATABASE_URL": "postgres://gateway:s3cret@db/gateway"])
        #expect(whole == .postgres(url: "postgres://gateway:s3cret@db/gateway"), "a whole URL from the environment is not on the command line")
        #expect(try DatabaseLocation.resolve(given: nil, passwordFile: nil, environment: [:]) == .defaultLocation)
    }
}
