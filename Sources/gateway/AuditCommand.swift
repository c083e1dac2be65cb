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

    @Option(name: .long, help: "The folder of the gateway's receipt certificate (cert.pem): the seals must be signed with its key. Once per key the gateway has had, after a rotation.")
    var receiptKey: [String] = ["Certificates/demo/gateway"]

    @Option(name: .long, help: "The time-stamping authority's certificate or its CA (PEM): the seals' time-stamps are checked against it.")
    var tsaCertificate: String?

    func run() async throws {
        do {
            let location = try store.location()
            if case .sqlite(let path) = location, !FileManager.default.fileExists(atPath: path) {
                throw GatewayError(.configurationInvalid, "There is no database at \(path).")
            }
            let store = try await GatewayStore.open(location)
            let verification: AuditVerification
            let seals: [AuditSeal]
            let stamps: (batches: [AuditTimeStamp], marks: [AuditTimeStamp.SealNumber: String])
            do {
                verification = try await store.verifyAudit()
                seals = try await store.seals()
                stamps = try await store.timeStamps()
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
            var certificates: [Certificate] = []
            for folder in receiptKey {
                let file = "\(folder)/cert.pem"
                guard let data = FileManager.default.contents(atPath: file), let certificate = try Certificate.certificates(pem: Array(data)).first else {
                    throw GatewayError(.configurationInvalid, "The receipt certificate \(file) cannot be read: the seals are checked against it (--receipt-key).")
                }
                certificates.append(certificate)
            }
            let check = try AuditSealCheck(receiptCertificates: certificates)
            if let broken = seals.lazy.compactMap(check.problem(with:)).first {
                print(broken)
                throw ExitCode.failure
            }
            let certificate = certificates.map(\.subject).joined(separator: " or ")
            let sealed = verification.summary + " \(seals.count) seals signed by \(certificate), the last at \(VietnamTime.timestamp(seals.map(\.sealedAt).max() ?? Date()))."
            guard let tsaCertificate else {
                print(sealed + (stamps.batches.isEmpty ? " Not time-stamped." : " \(stamps.batches.count) time-stamps not checked: give --tsa-certificate."))
                return
            }
            let trust = try TimeStampAuthority(url: "", certificateFile: tsaCertificate).trust
            let finding = AuditTimeStampCheck.verify(seals: seals, batches: stamps.batches, marks: stamps.marks, trust: trust)
            if let problem = finding.problem {
                print(problem)
                throw ExitCode.failure
            }
            let stamped = finding.batches == 0 ? " No time-stamp yet."
                : " \(finding.stamped) seals time-stamped in \(finding.batches) batches by \(finding.authorities.joined(separator: ", ")), the last at \(VietnamTime.timestamp(finding.latest ?? Date()))."
            print(sealed + stamped + (finding.waiting > 0 ? " \(finding.waiting) seals wait for their time-stamp." : ""))
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw CommandFailure.exit(error)
        }
    }
}
