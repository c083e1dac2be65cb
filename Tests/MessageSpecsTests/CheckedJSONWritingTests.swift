import Foundation
import GatewayCore
@testable import MessageSpecs
import Testing
import TestSupport

/// A JSON message written and checked at once is the message the value tree gives, byte for
/// byte, with the verdict the schema's validator gives on it: on every sample of every JSON
/// message the gateway writes, and on each sample with each of its values taken out or replaced
/// by a wrong one (a pattern broken, a number out of bounds, a list emptied, …).
@Suite struct CheckedJSONWritingTests {
    static let specs = RepositoryPaths.root + "/MessageSpecs"

    @Test func everyJSONMessageTheGatewayWritesIsCheckedAsItIsWritten() throws {
        let registry = try SpecRegistry(directory: Self.specs)
        let written = registry.specs.filter { $0.isOutbound && $0.format == .json }
        #expect(written.count >= 7)
        for spec in written {
            let plan = try #require(registry.spec(spec.key)?.jsonPlan)
            #expect(plan.root.checkable, "\(spec.key): its schema is checked as the message is written")
        }
    }

    @Test func theCheckedMessageIsTheValueTreesMessageWithTheValidatorsVerdict() throws {
        let registry = try SpecRegistry(directory: Self.specs)
        var compared = 0, refused = 0
        for (message, compiled) in try samples(registry) {
            let record = try #require(message.record.objectValue)
            for variant in [record] + Self.variants(of: record) {
                let verdict = try compare(variant, envelope: message.envelope, compiled)
                compared += 1
                if verdict == false { refused += 1 }
            }
        }
        print("CheckedJSONWritingTests: \(compared) records written both ways, \(refused) of them refused by the schema")
        #expect(compared > 500)
        #expect(refused > 100)
    }

    /// The samples of the JSON messages the gateway writes, each with its spec.
    private func samples(_ registry: SpecRegistry) throws -> [(ReadMessage, CompiledSpec)] {
        var found: [(ReadMessage, CompiledSpec)] = []
        let files = try FileManager.default.subpathsOfDirectory(atPath: Self.specs).filter { $0.contains("/samples/") }.sorted()
        for file in files {
            let message = try registry.read(Array(try Data(contentsOf: URL(fileURLWithPath: "\(Self.specs)/\(file)"))))
            guard message.spec.isOutbound, message.spec.format == .json else { continue }
            found.append((message, try #require(registry.spec(message.spec.key))))
        }
        #expect(found.count >= 20)
        return found
    }

    /// The verdict of both ways (nil when both refuse to write the record), after expecting them
    /// to agree on it and on the bytes.
    private func compare(_ record: JSONObject, envelope: MessageEnvelope, _ compiled: CompiledSpec) throws -> Bool? {
        let plan = try #require(compiled.jsonPlan)
        let writer = FieldWriter(spec: compiled.spec, outline: nil, jsonPlan: plan)
        let tree: (bytes: [UInt8], errors: [ErrorDetail])
        do {
            guard case .json(let value) = try writer.write(record, envelope: envelope) else {
                Issue.record("\(compiled.spec.key) is not written as JSON")
                return nil
            }
            tree = (JSONWriter.pretty(value), compiled.jsonSchema?.validate(value) ?? [])
            if let schema = compiled.jsonSchema {
                #expect(schema.root.isValid(value) == tree.errors.isEmpty, "\(compiled.spec.key): the schema's yes or no is its validator's")
            }
        } catch {
            #expect(throws: GatewayError.self, "\(compiled.spec.key): both ways refuse the record") {
                _ = try writer.writeChecked(record, envelope: envelope)
            }
            return nil
        }
        let checked = try #require(try writer.writeChecked(record, envelope: envelope))
        #expect(checked.bytes == tree.bytes, "\(compiled.spec.key): the same bytes")
        #expect(checked.valid == tree.errors.isEmpty,
                "\(compiled.spec.key): the same verdict (the validator: \(tree.errors.map(\.description)))\n\(String(decoding: tree.bytes, as: UTF8.self))")
        return checked.valid
    }

    /// The record with each value, in turn, absent or wrong; within lists, in the first item.
    static func variants(of record: JSONObject) -> [JSONObject] {
        var variants: [JSONObject] = []
        for member in record.members {
            for replacement in replacements(of: member.value) {
                var variant = record
                variant[member.key] = replacement
                variants.append(variant)
            }
        }
        return variants
    }

    private static func replacements(of value: JSONValue) -> [JSONValue?] {
        switch value {
        case .string(let text):
            return [nil, .string(""), .string(text + "x"), .string("x" + text), .string(String(repeating: "9", count: 300)),
                    .string("REVOKED"), .string("MARD"), .number(0)]
        case .number(let number):
            return [nil, .number(0), .number(-1), .number(DecimalNumber(number.value + 1)), .number(DecimalNumber(Decimal(string: "0.001")!)),
                    .number(DecimalNumber(Decimal(string: "99999999999999999")!)), .string(number.lexical)]
        case .array(let items):
            var wrong: [JSONValue?] = [nil, .array([]), .array(items + items)]
            if case .object(let first)? = items.first {
                wrong += variants(of: first).map { .array([.object($0)] + items.dropFirst()) }
            }
            return wrong
        case .object(let object):
            return [nil] + variants(of: object).map(JSONValue.object)
        case .bool, .null:
            return [nil]
        }
    }
}
