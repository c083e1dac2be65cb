import Foundation
import GatewayCore
import Hub
import MessageSpecs
import Signatures
import Testing
import TestSupport

/// `Partners/*.yaml` as shipped load, and every mistake an operator can make in them stops the
/// start with the file and the reason.
@Suite struct PartnerRegistryTests {
    static let specs: SpecRegistry = {
        do { return try SpecRegistry(directory: RepositoryPaths.root + "/MessageSpecs") } catch { preconditionFailure("\(error)") }
    }()

    static let shipped = RepositoryPaths.root + "/Partners"

    /// A copy of the shipped partner files (and the demo certificates they point to) to spoil.
    static func copy() throws -> String {
        let root = temporaryDirectory("partners")
        try FileManager.default.copyItem(atPath: shipped, toPath: "\(root)/Partners")
        try FileManager.default.createSymbolicLink(atPath: "\(root)/Certificates", withDestinationPath: RepositoryPaths.root + "/Certificates")
        return "\(root)/Partners"
    }

    static func edit(_ directory: String, _ partner: String, replacing old: String, with new: String) {
        let file = "\(directory)/\(partner).yaml"
        let text = String(decoding: read(file), as: UTF8.self)
        precondition(text.contains(old), "\(old) is not in \(file)")
        write(text.replacingOccurrences(of: old, with: new), to: file)
    }

    @Test func theShippedPartnersLoad() throws {
        let registry = try PartnerRegistry(directory: Self.shipped, specs: Self.specs, environment: [:])
        #expect(Set(registry.partners.keys) == ["moit", "mard", "moh", "bank-vcb", "bank-bidv", "asw-th", "asw-sg", "customs-core"])
        let moit = try #require(registry.partner("moit"))
        #expect(moit.sends.contains("moit/LicenceDecision"))
        #expect(moit.receives == ["moit/ImportLicenceApplication"])
        #expect(moit.endpoint?.totalTimeout == 10)
        #expect(moit.retry.delays.first == 30)
        #expect(registry.partner("asw-sg")?.country == "SG")
        #expect(registry.partner("mard")?.endpoint == nil)
    }

    @Test func anEndpointIsOverriddenByTheEnvironment() throws {
        let registry = try PartnerRegistry(directory: Self.shipped, specs: Self.specs,
                                           environment: ["GATEWAY_PARTNER_CUSTOMS_CORE_URL": "http://127.0.0.1:9001/records"])
        #expect(registry.partner("customs-core")?.endpoint?.url == "http://127.0.0.1:9001/records")
        #expect(registry.partner("moit")?.endpoint?.url == "https://eps-test.moit.example/nsw/inbound")
    }

    @Test(arguments: [
        ("moit", "clientKey: ../Certificates/demo/gateway/key.pem", "clientKey: ../Certificates/demo/gateway/missing.pem",
         "the client key ../Certificates/demo/gateway/missing.pem is missing or unreadable"),
        ("mard", "trust: ../Certificates/demo/trust/vn", "trust: ../Certificates/demo/trust/nowhere",
         "the trust directory ../Certificates/demo/trust/nowhere is missing or unreadable"),
        ("bank-vcb", "sends: [bank-vcb/PaymentConfirmation]", "sends: [bank-vcb/PaymentConfirmed]",
         "the message type bank-vcb/PaymentConfirmed is not a loaded spec"),
        ("customs-core", "receives: [customs-core/LicenceRecord,", "receives: [customs-core/TaxNotice, customs-core/LicenceRecord,",
         "customs-core/TaxNotice is not a message the gateway writes"),
        ("moit", "total: 10s", "total: ten seconds", "ten seconds is not a duration"),
        ("asw-th", "  subjects: [\"CN=nsw.asw-th.example,*,C=TH\"]\n", "  subjects: []\n", "signers must list at least one"),
        ("bank-bidv", "kind: bank", "kind: shop", "kind must be ministry, bank, asean or customs"),
        ("moit", "retry:", "revocation: {mode: lenient}\nretry:", "revocation.mode must be hard or soft, not lenient"),
    ])
    func aMistakeStopsTheStartWithFileAndReason(partner: String, old: String, new: String, reason: String) throws {
        let directory = try Self.copy()
        Self.edit(directory, partner, replacing: old, with: new)
        let error = try #require(throws: GatewayError.self) {
            try PartnerRegistry(directory: directory, specs: Self.specs, environment: [:])
        }
        #expect(error.code == .configurationInvalid)
        let file = "\(directory)/\(partner).yaml"
        let line = try #require(error.message.firstMatch(of: #/^(.+\.yaml):(\d+): /#), "file:line: first, as a compiler says it: \(error.message)")
        #expect(line.1 == file)
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let named = String(lines[try #require(Int(line.2)) - 1])
        let edited = new.split(separator: "\n").first.map(String.init) ?? new
        #expect(named.contains(edited.trimmingCharacters(in: .whitespaces)) || named.hasPrefix("signers:"), "line \(line.2) is the mistake's: \(named)")
        #expect(error.message.contains(reason), "\(error.message)")
    }

    @Test(arguments: [
        ("customs-core", "receives: [customs-core/LicenceRecord, ", "receives: [",
         "the flow of mard/phyto_imp_permit sends Licence records to each customs it addresses, but it receives none"),
        ("moit", "receives: [moit/ImportLicenceApplication]", "receives: []",
         "the flow of customs-core/ImportApplication sends LicenceApplication records to each ministry it addresses, but it receives none"),
        ("bank-bidv", "answers: bank-bidv/NotificationResult", "",
         "it sends bank-bidv/camt.054, which is answered at once with a NotificationResult message: name it in answers"),
        ("bank-vcb", "receives: [bank-vcb/PaymentAcknowledgement, bank-vcb/PaymentRejection]", "receives: []",
         "it sends bank-vcb/PaymentConfirmation, which is answered with a PaymentOutcome message, but it receives none"),
        ("bank-vcb", "kind: bank", "kind: ministry", "it sends bank-vcb/PaymentConfirmation, but no flow takes a Payment from a ministry"),
    ])
    func aFlowRoutedToAPartnerThatDoesNotTakeItStopsTheStartWithFileAndLine(partner: String, old: String, new: String, reason: String) throws {
        let directory = try Self.copy()
        Self.edit(directory, partner, replacing: old, with: new)
        let registry = try PartnerRegistry(directory: directory, specs: Self.specs, environment: [:])
        let error = try #require(throws: GatewayError.self) { try FlowRoutes.check(partners: registry, specs: Self.specs) }
        let lines = String(decoding: read("\(directory)/\(partner).yaml"), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let line = (lines.firstIndex { $0.hasPrefix("receives:") } ?? 0) + 1
        #expect(error.code == .configurationInvalid)
        #expect(error.message == "\(directory)/\(partner).yaml:\(line): \(reason).", "\(error.message)")
    }

    @Test func theShippedPartnersTakeEveryFlowTheySend() throws {
        try FlowRoutes.check(partners: try PartnerRegistry(directory: Self.shipped, specs: Self.specs, environment: [:]), specs: Self.specs)
    }

    @Test(arguments: [
        ("CN=eps-signing.moit.example,OU=e-Permit System,O=Bộ Công Thương,C=VN", true),
        ("CN=eps-signing.moit.example,OU=Other,O=Bộ Công Thương,C=VN", false),
        ("CN=eps-signing.moit.example.evil,OU=e-Permit System,C=VN", false),
    ])
    func signersAreAcceptedBySubjectPattern(subject: String, accepted: Bool) {
        let signers = AcceptedSigners(fingerprints: [], subjectPatterns: ["CN=eps-signing.moit.example,OU=e-Permit System,*"])
        let signer = SignerIdentity(subject: subject, issuer: "CN=VN Issuing CA", serialNumber: "01", fingerprintSHA256: "ab")
        #expect(signers.accepts(signer) == accepted)
    }

    @Test func aPinnedFingerprintIsAcceptedWhateverItsSubject() {
        let signers = AcceptedSigners(fingerprints: ["AB:CD:EF"], subjectPatterns: [])
        #expect(signers.accepts(SignerIdentity(subject: "CN=anyone", issuer: "CN=x", serialNumber: "1", fingerprintSHA256: "abcdef")))
        #expect(!signers.accepts(SignerIdentity(subject: "CN=anyone", issuer: "CN=x", serialNumber: "1", fingerprintSHA256: "abcdee")))
        // As certificates give it: OpenSSL's colon-separated uppercase hex.
        #expect(signers.accepts(SignerIdentity(subject: "CN=anyone", issuer: "CN=x", serialNumber: "1", fingerprintSHA256: "AB:CD:EF")))
    }

    @Test func retriesFollowThePolicyThenGiveUp() {
        let policy = RetryPolicy(delays: [30, 60, 120], giveUpAfter: 600)
        #expect(policy.delay(after: 1, elapsed: 0, jitter: 0) == 30)
        #expect(policy.delay(after: 2, elapsed: 30, jitter: 0) == 60)
        #expect(policy.delay(after: 5, elapsed: 300, jitter: 0) == 120, "the last delay repeats")
        #expect(policy.delay(after: 6, elapsed: 500, jitter: 0) == 100, "the last attempt is at giveUpAfter, not before")
        #expect(policy.delay(after: 7, elapsed: 600, jitter: 0) == nil, "no attempt after giveUpAfter")
        #expect(policy.delay(after: 7, elapsed: 599.5, jitter: 0) == 0.5)
        let jittered = policy.delay(after: 1, elapsed: 0) ?? 0
        #expect(jittered >= 30 && jittered <= 33)
    }
}

