import Foundation
import GatewayCore
import HardenedXML

/// Every message spec under a directory, loaded and checked at start-up: the gateway refuses
/// to start, naming the file and line, if any spec is inconsistent. Shared by all requests.
public final class SpecRegistry: Sendable {
    public let directory: String
    public let compiled: [CompiledSpec]
    /// Every version of each message type, newest first.
    private let byKey: [String: [CompiledSpec]]

    public init(directory: String) throws(GatewayError) {
        self.directory = directory
        let files = SpecRegistry.specFiles(under: directory)
        guard !files.isEmpty else {
            throw GatewayError(.configurationInvalid, "No spec.yaml was found under \(directory).")
        }
        var xmlSchemas: [String: XMLSchemaValidator] = [:]
        var outlines: [String: XSDOutline] = [:]
        var jsonSchemas: [String: JSONSchema] = [:]
        var compiled: [CompiledSpec] = []
        for file in files {
            let spec = try SpecLoader.load(file: file)
            guard let recordType = CanonicalRecords.named(spec.record) else {
                throw spec.location.error("unknown record \(spec.record) (known: \(CanonicalRecords.all.map { $0.recordName }.joined(separator: ", ")))")
            }
            var xmlSchema: XMLSchemaValidator?, outline: XSDOutline?, jsonSchema: JSONSchema?
            do throws(GatewayError) {
                switch spec.format {
                case .xml:
                    if xmlSchemas[spec.schemaFile] == nil {
                        xmlSchemas[spec.schemaFile] = try XMLSchemaValidator(file: spec.schemaFile)
                        outlines[spec.schemaFile] = try XSDOutline(file: spec.schemaFile)
                    }
                    xmlSchema = xmlSchemas[spec.schemaFile]
                    outline = outlines[spec.schemaFile]
                case .json:
                    if jsonSchemas[spec.schemaFile] == nil {
                        jsonSchemas[spec.schemaFile] = try JSONSchema(file: spec.schemaFile)
                    }
                    jsonSchema = jsonSchemas[spec.schemaFile]
                }
            } catch {
                throw spec.location.error(error.message)
            }
            let shape = CanonicalRecords.shape(of: recordType)
            try SpecChecker(spec: spec, outline: outline, jsonSchema: jsonSchema, shape: shape).check()
            if let other = compiled.first(where: { $0.spec.key == spec.key && $0.spec.version == spec.version }) {
                throw spec.location.error("\(spec.key) version \(spec.version) is already specified by \(other.spec.location.file)")
            }
            if let other = compiled.first(where: { $0.spec.recognition == spec.recognition }) {
                throw spec.location.error("the recognition rule \(spec.recognition) is the same as that of \(other.spec.location.file)")
            }
            compiled.append(CompiledSpec(spec: spec, xmlSchema: xmlSchema, outline: outline, jsonSchema: jsonSchema, shape: shape))
        }
        self.compiled = compiled
        byKey = Dictionary(grouping: compiled, by: \.spec.key).mapValues { versions in
            versions.sorted { $0.spec.version.compare($1.spec.version, options: .numeric) == .orderedDescending }
        }
    }

    static func specFiles(under directory: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            if (relative as NSString).lastPathComponent == "spec.yaml" { files.append((directory as NSString).appendingPathComponent(relative)) }
        }
        return files.sorted()
    }

    public var specs: [MessageSpec] { compiled.map(\.spec) }

    /// The spec of `partner/message`: the newest version loaded, or the one named.
    public func spec(_ key: String, version: String? = nil) -> CompiledSpec? {
        guard let versions = byKey[key] else { return nil }
        return version.map { wanted in versions.first { $0.spec.version == wanted } } ?? versions.first
    }

    /// Which spec a parsed document is a message of.
    func recognise(_ document: ParsedDocumentOrJSON) -> CompiledSpec? {
        switch document {
        case .xml(let parsed):
            guard let root = parsed.rootElement else { return nil }
            let candidates = compiled.filter {
                $0.spec.format == .xml && $0.spec.recognition.element == root.localName && $0.spec.recognition.namespace == root.namespaceURI
            }
            return candidates.first { matches($0, document) }
        case .json:
            return compiled.first { $0.spec.format == .json && matches($0, document) }
        }
    }

    private func matches(_ candidate: CompiledSpec, _ document: ParsedDocumentOrJSON) -> Bool {
        guard let cursor = candidate.cursor(document) else { return false }
        if let (path, value) = candidate.spec.recognition.discriminator, cursor.value(path)?.text != value { return false }
        return candidate.spec.recognition.members.allSatisfy { !cursor.select(DocumentPath($0)).isEmpty }
    }
}
