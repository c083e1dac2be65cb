import ArgumentParser
import Foundation
import GatewayCore
import Hub
import Signatures
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
        abstract: "Walk the audit chains and check them against the stored messages, attempts, cases and the gateway's seals; exit 0 if intact, else name what was changed.",
        discussion: "Reads every stored message's bytes: a long walk for a large store, which a gateway in service does not wait for."
    )

    @OptionGroup var store: DatabaseOptions

    @Option(name: .long, help: "The folder of the gateway's receipt certificate (cert.pem): the seals must be signed with its key.")
    var receiptKey = "Certificates/demo/gateway"

    func run() async throws {
        do {
            let location = try store.location()
            if case .sqlite(let path) = location, !FileManager.default.fileExists(atPath: path) {
                throw GatewayError(.configurationInvalid, "There is no database at \(path).")
            }
            let store = try await GatewayStore.open(location)
            let verification: AuditVerification
            let seals: [AuditSeal]
            do {
                verification = try await store.verifyAudit()
                seals = try await store.seals()
                await store.close()
            } catch {
                await store.close()
                throw error
            }
            guard verification.isIntact else {
                print(verification.summary)
                throw ExitCode.failure
            }
            guard !seals.isEmpty else {
                print(verification.summary + " No seal yet.")
                return
            }
            let file = "\(receiptKey)/cert.pem"
            guard let data = FileManager.default.contents(atPath: file), let certificate = try Certificate.certificates(pem: Array(data)).first else {
                throw GatewayError(.configurationInvalid, "The receipt certificate \(file) cannot be read: the seals are checked against it (--receipt-key).")
            }
            if let broken = seals.lazy.compactMap({ AuditSealCheck.verify($0, receiptCertificate: certificate) }).first {
                print(broken)
                throw ExitCode.failure
            }
            print(verification.summary + " \(seals.count) seals signed by \(certificate.subject), the last at \(VietnamTime.timestamp(seals.map(\.sealedAt).max() ?? Date())).")
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw CommandFailure.exit(error)
        }
    }
}
