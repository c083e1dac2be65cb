import Foundation
import GatewayCore
@testable import MessageSpecs
import Testing
import TestSupport

/// The records that read and write their own value trees do it as their Codable definition says,
/// on every sample of every message that carries them: the same members, in declaration order,
/// and the same record back.
@Suite struct RecordValueCodingTests {
    static let specs = RepositoryPaths.root + "/MessageSpecs"

    /// Every sample document of the loaded specs, read.
    static let samples: [ReadMessage] = {
        do {
            let registry = try SpecRegistry(directory: specs)
            let files = try FileManager.default.subpathsOfDirectory(atPath: specs).filter { $0.contains("/samples/") }.sorted()
            return try files.map { try registry.read(Array(try Data(contentsOf: URL(fileURLWithPath: "\(specs)/\($0)")))) }
        } catch {
            preconditionFailure("\(error)")
        }
    }()

    @Test func licenceRecordsReadAndWriteAsTheirCodableDefinitionSays() throws {
        var compared = 0
        compared += try compare(LicenceApplication.self)
        compared += try compare(LicenceDecision.self)
        compared += try compare(Licence.self)
        print("RecordValueCodingTests: \(compared) samples compared")
        #expect(compared >= 10)
    }

    @Test func aFieldThatIsNotThereIsNamedWithItsPlace() throws {
        let message = try #require(Self.samples.first { $0.spec.record == LicenceApplication.recordName })
        var record = try #require(message.record.objectValue)
        var lines = try #require(record["goodsLines"]?.arrayValue)
        var second = try #require(lines[1].objectValue)
        second["hsCode"] = nil
        lines[1] = .object(second)
        record["goodsLines"] = .array(lines)
        #expect(throws: RecordValueError.self) { try LicenceApplication(recordValue: .object(record)) }
        do {
            _ = try LicenceApplication(recordValue: .object(record))
        } catch {
            #expect(error.description == "goodsLines[1].hsCode: is missing")
        }
    }

    private func compare<T: CanonicalRecord & RecordValueCoding>(_ type: T.Type) throws -> Int {
        var compared = 0
        for message in Self.samples where message.spec.record == T.recordName {
            let record = try message.decode(T.self)
            let codable = try JSONParser().parse(Array(try JSONEncoder().encode(record)))
            let written = record.recordValue(decimalsAsText: true)
            #expect(unordered(written) == unordered(codable), "\(message.spec.key): written as Codable writes it")
            #expect(try T(recordValue: codable) == record, "\(message.spec.key): read as Codable reads it")
            let declared = Mirror(reflecting: record).children.compactMap(\.label)
            let keys = try #require(written.objectValue).keys
            #expect(keys == declared.filter(keys.contains), "\(message.spec.key): members in declaration order")
            compared += 1
        }
        return compared
    }

    /// The tree with every object's members sorted by key: Foundation's encoder keeps no order.
    private func unordered(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            .object(JSONObject(object.members.sorted { $0.key < $1.key }.map { ($0.key, unordered($0.value)) }))
        case .array(let items): .array(items.map(unordered))
        default: value
        }
    }
}
