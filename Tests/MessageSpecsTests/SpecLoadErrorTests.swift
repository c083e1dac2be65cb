import Foundation
import GatewayCore
import MessageSpecs
import Testing
import TestSupport

/// An inconsistent spec stops the start-up with the file and the line of the mistake, so the
/// person who edited it finds it at once.
@Suite struct SpecLoadErrorTests {
    struct Defect: Sendable, CustomTestStringConvertible {
        let testDescription: String
        /// The text of the LicenceDecision spec to replace, and its replacement.
        let replace: String
        let with: String
        let line: Int
        let message: String
    }

    static let defects: [Defect] = [
        Defect(testDescription: "path not in the schema", replace: "path: IssueDate,", with: "path: IssuedOn,",
               line: 25, message: "IssuedOn"),
        Defect(testDescription: "canonical field unknown", replace: "name: issueDate,", with: "name: issuedOn,",
               line: 25, message: "the record LicenceDecision has no issuedOn"),
        Defect(testDescription: "unknown converter", replace: "{ name: reason, path: Reason, required: false }",
               with: "{ name: reason, path: Reason, required: false, converter: { uppercase: yes } }",
               line: 37, message: "unknown converter \"uppercase\""),
        Defect(testDescription: "unknown type", replace: "path: ApprovedQuantity, type: decimal", with: "path: ApprovedQuantity, type: money",
               line: 35, message: "unknown type \"money\""),
        Defect(testDescription: "unknown key", replace: "record: LicenceDecision\n", with: "record: LicenceDecision\ncolour: blue\n",
               line: 16, message: "unknown key \"colour\""),
        Defect(testDescription: "unknown record", replace: "record: LicenceDecision\n", with: "record: LicenseDecision\n",
               line: 1, message: "unknown record LicenseDecision"),
        Defect(testDescription: "rule naming an unknown field", replace: "require: [reason]", with: "require: [reasons]",
               line: 45, message: "reasons"),
        Defect(testDescription: "recognition with no namespace", replace: "  namespace: urn:vn:gov:moit:eps:1\n", with: "",
               line: 9, message: "recognised by its namespace and element"),
    ]

    @Test(arguments: defects)
    func inconsistentSpecStopsTheStartWithFileAndLine(_ defect: Defect) throws {
        let directory = try Self.copyOfMOIT()
        let file = "\(directory)/moit/LicenceDecision.v1/spec.yaml"
        let original = String(decoding: read(file), as: UTF8.self)
        #expect(original.contains(defect.replace))
        write(original.replacingOccurrences(of: defect.replace, with: defect.with), to: file)
        let error = try #require(throws: GatewayError.self) { try SpecRegistry(directory: directory) }
        #expect(error.code == .configurationInvalid)
        #expect(error.message.hasPrefix("\(file):\(defect.line): "), "\(error.message)")
        #expect(error.message.contains(defect.message), "\(error.message)")
    }

    @Test func twoSpecsRecognisingTheSameDocumentAreRefused() throws {
        let directory = try Self.copyOfMOIT()
        _ = try Self.addVersion2(in: directory)
        let error = try #require(throws: GatewayError.self) { try SpecRegistry(directory: directory) }
        #expect(error.message.contains("LicenceDecision.v2/spec.yaml:1: the recognition rule"), "\(error.message)")
        #expect(error.message.contains("LicenceDecision.v1/spec.yaml"))
    }

    @Test func aNewVersionIsANewFolderLoadedBesideTheOld() throws {
        let directory = try Self.copyOfMOIT()
        let v1 = "\(directory)/moit/LicenceDecision.v1"
        let v2 = try Self.addVersion2(in: directory)
        let text = String(decoding: read("\(v2)/spec.yaml"), as: UTF8.self)
            .replacingOccurrences(of: "namespace: urn:vn:gov:moit:eps:1", with: "namespace: urn:vn:gov:moit:eps:2")
        // The partner publishes version 2 under its own namespace: a copy of its schemas with the new one.
        let schemas = "\(directory)/moit/schemas-v2"
        try FileManager.default.createDirectory(atPath: schemas, withIntermediateDirectories: true)
        for file in try FileManager.default.contentsOfDirectory(atPath: "\(directory)/moit/schemas") {
            let schema = String(decoding: read("\(directory)/moit/schemas/\(file)"), as: UTF8.self)
            write(schema.replacingOccurrences(of: "urn:vn:gov:moit:eps:1", with: "urn:vn:gov:moit:eps:2"), to: "\(schemas)/\(file)")
        }
        write(text.replacingOccurrences(of: "../schemas/", with: "../schemas-v2/"), to: "\(v2)/spec.yaml")
        let registry = try SpecRegistry(directory: directory)
        #expect(registry.spec("moit/LicenceDecision")?.spec.version == "2")
        #expect(registry.spec("moit/LicenceDecision", version: "1")?.spec.version == "1")
        let sample = String(decoding: read("\(v1)/samples/LicenceDecision-01.xml"), as: UTF8.self)
        let second = try registry.read(Array(sample.replacingOccurrences(of: "urn:vn:gov:moit:eps:1", with: "urn:vn:gov:moit:eps:2").utf8))
        #expect(second.spec.version == "2")
        #expect(try registry.read(Array(sample.utf8)).spec.version == "1")
    }

    /// A copy of the LicenceDecision spec as version 2, otherwise unchanged; its folder.
    static func addVersion2(in directory: String) throws -> String {
        let v2 = "\(directory)/moit/LicenceDecision.v2"
        try FileManager.default.copyItem(atPath: "\(directory)/moit/LicenceDecision.v1", toPath: v2)
        let text = String(decoding: read("\(v2)/spec.yaml"), as: UTF8.self)
        write(text.replacingOccurrences(of: "version: \"1\"", with: "version: \"2\""), to: "\(v2)/spec.yaml")
        return v2
    }

    /// The MOIT specs and schemas only, in a directory of their own to spoil.
    static func copyOfMOIT() throws -> String {
        let directory = temporaryDirectory("specs")
        try FileManager.default.copyItem(atPath: "\(GoldenTranslationTests.specs)/moit", toPath: "\(directory)/moit")
        return directory
    }
}
