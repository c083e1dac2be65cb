import Foundation
import Testing
import TestSupport

/// `gateway partners check DIR`: an operator checks a partners directory before a start, offline,
/// and every wrong file is named with its line, not only the first.
@Suite struct PartnersCheckTests {
    /// A copy of the shipped partner files beside the repository's certificates, changed by `edits`.
    static func directory(_ edits: [String: [(String, String)]]) throws -> String {
        let root = temporaryDirectory("partners-check")
        try FileManager.default.createSymbolicLink(atPath: root + "/Certificates", withDestinationPath: RepositoryPaths.root + "/Certificates")
        try FileManager.default.copyItem(atPath: RepositoryPaths.root + "/Partners", toPath: root + "/Partners")
        for (name, changes) in edits {
            let path = root + "/Partners/" + name
            var text = try String(contentsOfFile: path, encoding: .utf8)
            for (old, new) in changes {
                precondition(text.contains(old), "\(old) is not in \(name)")
                text = text.replacingOccurrences(of: old, with: new)
            }
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        return root + "/Partners"
    }

    @Test func theShippedPartnerFilesPass() throws {
        let result = Command.run(GatewayBinary.path, ["partners", "check", "Partners"], in: RepositoryPaths.root)
        #expect(result.status == 0, "\(result.standardOutput) \(result.standardError)")
        #expect(result.standardOutput.contains("ok     Partners/moit.yaml: moit (ministry)"))
        #expect(result.standardOutput.contains("8 partner files, no error"))
    }

    @Test func everyWrongFileIsNamedWithItsLine() throws {
        let directory = try Self.directory([
            "moit.yaml": [("kind: ministry", "kind: wizard")],
            "bank-vcb.yaml": [("sends: [bank-vcb/PaymentConfirmation]", "sends: [bank-vcb/PaymentConfirmation, bank-vcb/Nonsense]")],
            "mard.yaml": [("trust: ../Certificates/demo/trust/vn", "trust: ../Certificates/demo/trust/nowhere")],
        ])
        let result = Command.run(GatewayBinary.path, ["partners", "check", directory], in: RepositoryPaths.root)
        #expect(result.status == 1)
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        let moitLine = try Self.line(of: "kind: wizard", in: directory + "/moit.yaml")
        #expect(lines.contains { $0.hasPrefix("error  \(directory)/moit.yaml:\(moitLine): kind must be ministry, bank, asean or customs, not wizard") }, "\(lines)")
        #expect(lines.contains { $0.contains("bank-vcb.yaml:") && $0.contains("the message type bank-vcb/Nonsense is not a loaded spec") }, "\(lines)")
        #expect(lines.contains { $0.contains("mard.yaml:") && $0.contains("trust directory ../Certificates/demo/trust/nowhere is missing") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("ok     \(directory)/customs-core.yaml") }, "the good files are still checked")
        #expect(lines.last == "8 partner files, 3 with errors")
        print("partners check on 3 broken files: \(lines.filter { $0.hasPrefix("error") }.count) errors named with file and line, exit \(result.status)")
    }

    static func line(of text: String, in file: String) throws -> Int {
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        return (lines.firstIndex { $0.contains(text) } ?? -1) + 1
    }
}
