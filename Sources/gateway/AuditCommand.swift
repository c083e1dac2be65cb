import ArgumentParser
import Foundation
import GatewayCore
import Store

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check the tamper-evident audit chain of the store.",
        subcommands: [AuditVerifyCommand.self]
    )
}

struct AuditVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Walk the audit chain; exit 0 if intact, else name the first event edited or removed."
    )

    @OptionGroup var store: DatabaseOptions

    func run() async throws {
        do {
            let location = try store.location()
            if case .sqlite(let path) = location, !FileManager.default.fileExists(atPath: path) {
                throw GatewayError(.configurationInvalid, "There is no database at \(path).")
            }
            let store = try await GatewayStore.open(location)
            let verification: AuditVerification
            do {
                verification = try await store.verifyAudit()
                await store.close()
            } catch {
                await store.close()
                throw error
            }
            print(verification.summary)
            if !verification.isIntact { throw ExitCode.failure }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw CommandFailure.exit(error)
        }
    }
}
