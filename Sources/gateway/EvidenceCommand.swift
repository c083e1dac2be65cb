import ArgumentParser
import Foundation
import GatewayCore
import Hub
import Signatures
import Store

struct EvidenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence",
        abstract: "Hand one message's evidence to a partner or a court, and check such evidence offline.",
        subcommands: [EvidenceExportCommand.self, EvidenceVerifyCommand.self]
    )
}

struct EvidenceExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write one message's evidence as an ASiC-E container (.asice).",
        discussion: """
            The container holds the message's exact bytes, the gateway's receipt, the messages it caused with every \
            delivery attempt and answer, the audit events about them linked up to the gateway's signed seals, the RFC 3161 \
            time-stamps over those seals, and a manifest of every file signed with the receipt key.
            """
    )

    @Argument(help: "The gateway's id of the message (the receipt's gatewayMessageId).")
    var messageId: String

    @OptionGroup var store: DatabaseOptions
    @OptionGroup var keys: KeyOptions

    @Option(name: .long, help: "The folder of the gateway's receipt key (key.pem, cert.pem, chain.pem): it signs the manifest.")
    var receiptKey = "Certificates/demo/gateway"

    @Option(name: .shortAndLong, help: "Where to write the container (default: MESSAGE_ID.asice).")
    var output: String?

    func run() async throws {
        do {
            let signer = try keys.receiptSigner(folder: receiptKey)
            let location = try store.location()
            if case .sqlite(let path) = location, !FileManager.default.fileExists(atPath: path) {
                throw GatewayError(.configurationInvalid, "There is no database at \(path).")
            }
            let store = try await GatewayStore.open(location)
            let records: EvidenceRecords?
            do {
                records = try await store.evidence(of: messageId)
                await store.close()
            } catch {
                await store.close()
                throw error
            }
            guard let records else { throw GatewayError(.notFound, "No message \(messageId) is stored.") }
            let container = try EvidenceContainer.make(records, signer: signer, at: Date())
            let file = output ?? "\(messageId).asice"
            guard FileManager.default.createFile(atPath: file, contents: Data(container)) else {
                throw GatewayError(.configurationInvalid, "\(file) cannot be written.", path: file)
            }
            print("Wrote \(file): message \(messageId), \(records.deliveries.reduce(0) { $0 + $1.attempts.count }) delivery attempts, \(records.events.count) audit events, \(records.seals.count) seals, \(records.timeStamps.count) time-stamps.")
        } catch {
            throw CommandFailure.exit(error)
        }
    }
}

struct EvidenceVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check an evidence container offline; exit 0 if every part holds, else name the first that does not."
    )

    @Argument(help: "The .asice file.")
    var file: String

    @Option(name: .long, help: "The gateway's receipt certificate or its CA (PEM): it signed the manifest, the receipt and the seals.")
    var receiptCertificate = "Certificates/demo/gateway/cert.pem"

    @Option(name: .long, help: "The time-stamping authority's certificate or its CA (PEM); without it the time-stamps are not checked.")
    var tsaCertificate: String?

    func run() async throws {
        do {
            guard let data = FileManager.default.contents(atPath: file) else { throw GatewayError(.configurationInvalid, "\(file) cannot be read.", path: file) }
            let gateway = try Self.certificates(receiptCertificate, what: "receipt certificate")
            let authority = try tsaCertificate.map { path throws(GatewayError) in try Self.certificates(path, what: "time-stamping authority's certificate") }
            let report: EvidenceCheck.Report
            do {
                report = try EvidenceCheck(gatewayTrust: gateway, timeStampTrust: authority).verify(Array(data))
            } catch {
                print("\(file): the evidence does not hold. \(error.message)")
                throw ExitCode.failure
            }
            print("\(file): the evidence of message \(report.messageId) holds.")
            for line in report.lines { print("  " + line) }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw CommandFailure.exit(error)
        }
    }

    static func certificates(_ path: String, what: String) throws(GatewayError) -> [Certificate] {
        guard let data = FileManager.default.contents(atPath: path), let found = try? Certificate.certificates(pem: Array(data)), !found.isEmpty else {
            throw GatewayError(.configurationInvalid, "The \(what) \(path) cannot be read as PEM.", path: path)
        }
        return found
    }
}
