import Foundation
import GatewayCore
@testable import MessageSpecs
import Testing
import TestSupport

@Suite struct JSONSchemaTests {
    static let specs = RepositoryPaths.root + "/MessageSpecs"

    static let jsonSamples: [(schema: String, sample: String)] = {
        var pairs: [(String, String)] = []
        let fileManager = FileManager.default
        for partner in ["customs-core", "bank-vcb", "bank-bidv"] {
            let folders = (try? fileManager.contentsOfDirectory(atPath: "\(specs)/\(partner)")) ?? []
            for folder in folders.sorted() where folder != "schemas" {
                let message = String(folder.split(separator: ".")[0])
                let schema = "\(specs)/\(partner)/schemas/\(message).schema.json"
                guard fileManager.fileExists(atPath: schema) else { continue }
                for sample in ((try? fileManager.contentsOfDirectory(atPath: "\(specs)/\(partner)/\(folder)/samples")) ?? []).sorted() {
                    pairs.append((schema, "\(specs)/\(partner)/\(folder)/samples/\(sample)"))
                }
            }
        }
        return pairs
    }()

    private func validate(_ json: String, against schema: String) throws -> [ErrorDetail] {
        try JSONSchema(file: schema).validate(try JSONParser().parse(Array(json.utf8)))
    }

    @Test func everyJSONSampleOfTheWorldValidates() throws {
        #expect(Self.jsonSamples.count == 36)
        for (schema, sample) in Self.jsonSamples {
            let errors = try validate(String(decoding: read(sample), as: UTF8.self), against: schema)
            #expect(errors.isEmpty, "\(sample): \(errors)")
        }
    }

    @Test func everyViolationIsReportedWithItsPath() throws {
        let schema = Self.specs + "/customs-core/schemas/LicenceRecord.schema.json"
        var record = String(decoding: read(Self.specs + "/customs-core/LicenceRecord.v2/samples/LicenceRecord-01.json"), as: UTF8.self)
        record = record.replacingOccurrences(of: "\"hsCode\": \"72085100\"", with: "\"hsCode\": \"7208510\"")
            .replacingOccurrences(of: "\"status\": \"ACTIVE\"", with: "\"status\": \"VALID\"")
            .replacingOccurrences(of: "\"validUntil\": \"2025-08-31\"", with: "\"validUntil\": \"2025-02-30\"")
            .replacingOccurrences(of: "\"recordVersion\": 1", with: "\"recordVersion\": 1, \"note\": \"x\"")
            .replacingOccurrences(of: "\"holderTaxCode\": \"0105987654\",", with: "")
        let errors = try validate(record, against: schema)
        let paths = Set(errors.map(\.path))
        #expect(paths.isSuperset(of: ["/goodsLines/0/hsCode", "/status", "/validUntil", "/note", "/holderTaxCode"]), "\(errors)")
        #expect(errors.contains { $0.path == "/validUntil" && $0.message.contains("not a valid date") })
        #expect(errors.contains { $0.path == "/status" && $0.message.contains("must be one of \"ACTIVE\", \"REVOKED\"") })
    }

    @Test func conditionalRulesOfTheLicenceRecord() throws {
        let schema = Self.specs + "/customs-core/schemas/LicenceRecord.schema.json"
        let revoked = String(decoding: read(Self.specs + "/customs-core/LicenceRecord.v2/samples/LicenceRecord-04.json"), as: UTF8.self)
        #expect(try validate(revoked, against: schema).isEmpty)
        let noReference = revoked.replacingOccurrences(of: "\"revocationReference\"", with: "\"unused\"")
        #expect(try validate(noReference, against: schema).contains { $0.path == "/revocationReference" && $0.message == "is required" })
        let active = String(decoding: read(Self.specs + "/customs-core/LicenceRecord.v2/samples/LicenceRecord-01.json"), as: UTF8.self)
            .replacingOccurrences(of: "\"recordVersion\": 1,", with: "\"recordVersion\": 1, \"revokedAt\": \"2025-06-03T00:00:00+07:00\",")
        #expect(try validate(active, against: schema).contains { $0.path == "/revokedAt" && $0.message == "is not allowed here" })
    }

    @Test func vndAmountsAreWholeNumbers() throws {
        let schema = Self.specs + "/bank-vcb/schemas/PaymentConfirmation.schema.json"
        let confirmation = String(decoding: read(Self.specs + "/bank-vcb/PaymentConfirmation.v1/samples/PaymentConfirmation-01.json"), as: UTF8.self)
        let errors = try validate(confirmation.replacingOccurrences(of: "991380000", with: "991380000.5"), against: schema)
        #expect(errors.map(\.description) == ["/amount: must be integer, not number"])
        #expect(try validate(confirmation.replacingOccurrences(of: "991380000", with: "991380000.0"), against: schema).isEmpty)
    }

    @Test func keywordsOutsideTheSupportedSetAreRefusedWhenLoading() throws {
        let schema = try JSONParser().parse(Array(#"{"type": "object", "patternProperties": {"^x": true}}"#.utf8))
        #expect { _ = try JSONSchema(schema, source: "test.json") } throws: {
            ($0 as? GatewayError)?.message.contains("\"patternProperties\" is not supported") == true
        }
    }

    @Test func referencesWithinTheFile() throws {
        let schema = try JSONSchema(try JSONParser().parse(Array("""
        {"$defs": {"code": {"type": "string", "pattern": "^[A-Z]{3}$"}},
         "type": "object", "properties": {"currency": {"$ref": "#/$defs/code"}}}
        """.utf8)), source: "test.json")
        #expect(schema.validate(try JSONParser().parse(Array(#"{"currency": "VND"}"#.utf8))).isEmpty)
        #expect(schema.validate(try JSONParser().parse(Array(#"{"currency": "vnd"}"#.utf8))).map(\.path) == ["/currency"])
    }

    @Test func parserIsStrict() {
        for text in ["{\"a\": 1,}", "{\"a\": 01}", "{\"a\": 1, \"a\": 2}", "[1 2]", "{\"a\": \"\u{01}\"}", "{\"a\": .5}", "NaN", "{\"a\": 1} x"] {
            #expect(throws: GatewayError.self, "\(text)") { _ = try JSONParser().parse(Array(text.utf8)) }
        }
        #expect(throws: Never.self) { _ = try JSONParser().parse(Array(#"{"a": [1.5e3, -0.0, "\u00e9\ud83d\ude00"]}"#.utf8)) }
    }
}
