import ArgumentParser
import Foundation
import GatewayCore
import Hub
import MessageSpecs
import Signatures

struct PartnersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partners",
        abstract: "Partner files (Partners/README.md).",
        subcommands: [PartnersCheckCommand.self]
    )
}

struct PartnersCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a partners directory offline, as serve would load it: every file, with the file and line of each error.",
        discussion: """
        Each file on its own: its YAML, kind, message types against the specs, trust directory, signer \
        patterns, endpoint and TLS files, signing key (opened, and matched to its certificate), retry \
        policy. Then the directory as a whole: ids used once, every role the flows address played. \
        Certificates and CRLs within 30 days of their end are warned of. Exits 1 when anything is wrong.
        """
    )

    @Argument(help: "The partners directory.")
    var directory = "Partners"

    @OptionGroup var specs: SpecsOption

    func run() async throws {
        let registry: SpecRegistry
        do {
            registry = try specs.registry()
        } catch {
            throw CommandFailure.exit(error)
        }
        let environment = ProcessInfo.processInfo.environment
        let checked = PartnerRegistry.check(directory: directory, specs: registry, environment: environment)
        guard !checked.isEmpty else {
            throw CommandFailure.exit(GatewayError(.configurationInvalid, "No partner file (*.yaml) was found in \(directory)."))
        }
        var errors = 0
        for (file, result) in checked {
            switch result {
            case .success(let partner):
                do {
                    print("ok     \(file): \(try Self.summary(partner))")
                } catch {
                    errors += 1
                    print("error  \(file): \(error.message)")
                }
            case .failure(let error):
                errors += 1
                print("error  \(error.message)")
            }
        }
        if errors == 0 {
            do throws(GatewayError) {
                let partners = try PartnerRegistry(directory: directory, specs: registry, environment: environment)
                try FlowRoutes.check(partners: partners, specs: registry)
                for warning in try CertificateInventory(partners: partners, own: []).warnings(within: CertificateWatch.window, at: Date()) {
                    print("warning \(warning)")
                }
            } catch {
                errors += 1
                print("error  \(error.message)")
            }
        }
        print(errors == 0 ? "\(checked.count) partner files, no error" : "\(checked.count) partner files, \(errors) with errors")
        if errors > 0 { throw ExitCode.failure }
    }

    /// One line of what the partner file says, once its signing key opened and matched its certificate.
    static func summary(_ partner: Partner) throws(GatewayError) -> String {
        var parts = ["\(partner.id) (\(partner.role.rawValue))", "sends \(partner.sends.count), receives \(partner.receives.count)",
                     "trust \(partner.trust.store.anchors.count + partner.trust.store.intermediates.count) CAs, \(partner.trust.store.revocationLists.count) CRLs"]
        if let signing = partner.signingKey {
            let signer = try MessageSigner(keyFile: signing.key, certificateFile: signing.certificate, chainFile: signing.chain, passphrase: signing.passphrase)
            parts.append("signs with \(signer.xml.certificates[0].subject)")
        }
        if let endpoint = partner.endpoint { parts.append("delivers to \(endpoint.url)") }
        return parts.joined(separator: "; ")
    }
}
