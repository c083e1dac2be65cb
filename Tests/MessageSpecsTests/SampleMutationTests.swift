import CLibXML2
import Foundation
import GatewayCore
import HardenedXML
@testable import MessageSpecs
import Testing
import TestSupport

/// Every example of the world validates, and for each one a copy with one defect of each kind
/// is refused with the path of the defect.
@Suite struct SampleMutationTests {
    static let registry = GoldenTranslationTests.registry

    static let samples: [String] = {
        let specs = GoldenTranslationTests.specs
        return ((try? FileManager.default.subpathsOfDirectory(atPath: specs)) ?? [])
            .filter { $0.contains("/samples/") }.sorted().map { "\(specs)/\($0)" }
    }()

    enum Kind: String, CaseIterable, Sendable {
        case pattern, required, enumeration, date, extraElement, wrongNamespace, vndWithDecimals
    }

    struct Mutation: Sendable, CustomTestStringConvertible {
        let sample: String
        let kind: Kind
        var testDescription: String { "\((sample as NSString).lastPathComponent): \(kind.rawValue)" }
    }

    /// A value with a pattern in each partner's schema (root-relative, first occurrence).
    static let patterned: [String: String] = [
        "moit": "MessageId", "mard": "@msg_id", "asw": "MessageHeader/MessageID", "bank-vcb": "transactionRef",
        "customs-core": "messageId", "bank-bidv/camt.054": "BkToCstmrDbtCdtNtfctn/Ntfctn/Ntry/NtryDtls/TxDtls/RmtInf/Strd/RfrdDocInf/Nb",
    ]

    /// Amounts in VND, which have no minor unit.
    static let vndAmounts: [String: String] = [
        "customs-core/TaxNotice": "amountDue", "customs-core/PaymentRecord": "amount", "bank-vcb/PaymentConfirmation": "amount",
        "bank-vcb/PaymentAcknowledgement": "amount", "bank-bidv/camt.054": "BkToCstmrDbtCdtNtfctn/Ntfctn/Ntry/Amt",
    ]

    static let mutations: [Mutation] = samples.flatMap { sample in Kind.allCases.map { Mutation(sample: sample, kind: $0) } }

    @Test func everyExampleOfTheWorldValidates() throws {
        #expect(Self.samples.count == 66, "every example of world/, MOH's included")
        for sample in Self.samples {
            #expect(throws: Never.self, "\(sample)") { _ = try Self.registry.read(read(sample)) }
        }
    }

    @Test(arguments: mutations)
    func mutatedCopyIsRefusedAtTheDefect(_ mutation: Mutation) throws {
        let original = try Self.registry.read(read(mutation.sample))
        let spec = original.spec
        guard let (bytes, expectedPath) = try mutate(read(mutation.sample), spec: spec, kind: mutation.kind) else { return }
        #expect {
            _ = try Self.registry.read(bytes)
        } throws: { error in
            guard let refusal = error as? GatewayError else { return false }
            let found = refusal.details.contains { detail in
                detail.path == expectedPath || detail.path.hasSuffix(expectedPath)
                    || (mutation.kind == .required && detail.message.contains(expectedPath.split(separator: "/").last.map(String.init) ?? "\u{0}"))
            }
            if !found || refusal.code != .schemaInvalid { Issue.record("\(mutation.kind) expected at \(expectedPath), got \(refusal.code): \(refusal.details)") }
            return found && refusal.code == .schemaInvalid
        }
    }

    /// The mutated document and the path at which the refusal must point, or nil when the message
    /// has no field of that kind (no VND amount, no code, no date, no patterned value).
    private func mutate(_ bytes: [UInt8], spec: MessageSpec, kind: Kind) throws -> ([UInt8], String)? {
        let targets: [DocumentPath] = switch kind {
        case .required: candidates(spec, fields: spec.fields) { $0.required && $0.value == nil && $0.fields.isEmpty }
        case .enumeration: candidates(spec, fields: spec.fields) { $0.type == .code }
        case .date: candidates(spec, fields: spec.fields) { $0.type == .date || $0.type == .dateTime } + [spec.envelope[.sentAt]].compactMap { $0 }
        case .pattern: [(Self.patterned[spec.key] ?? Self.patterned[spec.partner]).map(DocumentPath.init)].compactMap { $0 }
        case .vndWithDecimals: [Self.vndAmounts[spec.key].map(DocumentPath.init)].compactMap { $0 }
        case .extraElement, .wrongNamespace: [DocumentPath(".")]
        }
        for target in targets {
            let mutated = switch spec.format {
            case .xml: try XMLMutator(bytes: bytes, spec: spec).apply(kind, at: target)
            case .json: try JSONMutator(bytes: bytes).apply(kind, at: target)
            }
            if let mutated { return mutated }
        }
        if !targets.isEmpty { Issue.record("None of \(targets) is present in the sample.") }
        return nil
    }

    /// The document paths of the fields that suit a kind of defect, top-level fields first, then
    /// those of repeated groups (their first item). Fields the message is recognised by are left
    /// alone: without them the document is no longer this message at all.
    private func candidates(_ spec: MessageSpec, fields: [FieldSpec], under base: DocumentPath? = nil,
                            _ suits: (FieldSpec) -> Bool) -> [DocumentPath] {
        let prefix = base ?? spec.recordPath
        let direct = fields.filter { field in
            guard suits(field), field.paths.count == 1, let path = field.path, !path.absolute else { return false }
            return base != nil || !spec.recognition.members.contains(path.description)
        }.compactMap { $0.path.map { prefix.appending($0) } }
        let nested = fields.filter { !$0.fields.isEmpty && $0.paths.count == 1 }.flatMap { group in
            group.path.map { candidates(spec, fields: group.fields, under: prefix.appending($0), suits) } ?? []
        }
        return direct + nested
    }
}

private struct XMLMutator {
    let document: ParsedDocument
    let spec: MessageSpec

    init(bytes: [UInt8], spec: MessageSpec) throws {
        document = try HardenedXMLParser().parse(bytes)
        self.spec = spec
    }

    func apply(_ kind: SampleMutationTests.Kind, at path: DocumentPath) throws -> ([UInt8], String)? {
        let root = try #require(document.rootElement)
        var element = root
        for step in path.steps {
            guard let child = element.firstChild(step, namespace: root.namespaceURI) else { return nil }
            element = child
        }
        if let attribute = path.attribute, xmlHasProp(element.pointer, attribute) == nil { return nil }
        let place = element.path + (path.attribute.map { "/@\($0)" } ?? "")
        switch kind {
        case .required:
            if let attribute = path.attribute {
                xmlUnsetProp(element.pointer, attribute)
            } else {
                xmlUnlinkNode(element.pointer)
                xmlFreeNode(element.pointer)
            }
            return (document.serialized(), path.attribute ?? path.steps.last ?? "")
        case .pattern, .enumeration, .date, .vndWithDecimals:
            let value = switch kind {
            case .date: "2025-02-30"
            case .vndWithDecimals: "17250000000.5"
            case .enumeration: "NOT-A-CODE"
            default: "§not-valid§"
            }
            if let attribute = path.attribute { xmlSetProp(element.pointer, attribute, value) } else { xmlNodeSetContent(element.pointer, value) }
            return (document.serialized(), place)
        case .extraElement:
            let base = spec.recordPath.steps.reduce(root) { $0.firstChild($1, namespace: root.namespaceURI) ?? $0 }
            let extra = xmlNewDocNode(document.pointer, base.pointer.pointee.ns, "Unexpected", "x")
            xmlAddChild(base.pointer, extra)
            return (document.serialized(), base.path + "/Unexpected")
        case .wrongNamespace:
            let text = String(decoding: document.serialized(), as: UTF8.self)
                .replacingOccurrences(of: "xmlns=\"\(spec.recognition.namespace ?? "")\"", with: "xmlns=\"urn:example:wrong\"")
            return (Array(text.utf8), "/")
        }
    }
}

private struct JSONMutator {
    var root: JSONObject

    init(bytes: [UInt8]) throws {
        root = try #require(try JSONParser().parse(bytes).objectValue)
    }

    func apply(_ kind: SampleMutationTests.Kind, at path: DocumentPath) throws -> ([UInt8], String)? {
        var mutated = root
        guard let pointer = root.pointer(to: path.steps) else { return nil }
        switch kind {
        case .required:
            mutated.setValue(nil, at: path.steps)
        case .pattern: mutated.setValue(.string("§not-valid§"), at: path.steps)
        case .enumeration: mutated.setValue(.string("NOT-A-CODE"), at: path.steps)
        case .date: mutated.setValue(.string("2025-02-30"), at: path.steps)
        case .vndWithDecimals: mutated.setValue(.number(try #require(DecimalNumber("991380000.5"))), at: path.steps)
        case .extraElement:
            mutated["unexpected"] = .string("x")
            return (JSONWriter.pretty(.object(mutated)), "/unexpected")
        case .wrongNamespace:
            if mutated["messageType"] != nil { mutated["messageType"] = .string("SomethingElse") } else { mutated["msgId"] = nil }
            return (JSONWriter.pretty(.object(mutated)), "/")
        }
        return (JSONWriter.pretty(.object(mutated)), pointer)
    }
}

extension JSONObject {
    /// The JSON Pointer of the value at `steps`, through the first item of arrays; nil when absent.
    func pointer(to steps: [String]) -> String? {
        guard let first = steps.first else { return "" }
        guard let value = self[first] else { return nil }
        if steps.count == 1 { return "/" + first }
        let rest = Array(steps.dropFirst())
        if case .array(let items) = value {
            return items.first?.objectValue?.pointer(to: rest).map { "/\(first)/0" + $0 }
        }
        return value.objectValue?.pointer(to: rest).map { "/\(first)" + $0 }
    }


    mutating func setValue(_ value: JSONValue?, at steps: [String]) {
        guard let first = steps.first else { return }
        if steps.count == 1 { self[first] = value; return }
        if case .array(var items)? = self[first], var item = items.first?.objectValue {
            item.setValue(value, at: Array(steps.dropFirst()))
            items[0] = .object(item)
            self[first] = .array(items)
        } else if var nested = self[first]?.objectValue {
            nested.setValue(value, at: Array(steps.dropFirst()))
            self[first] = .object(nested)
        }
    }
}
