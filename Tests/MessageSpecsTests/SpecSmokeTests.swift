import Foundation
import GatewayCore
@testable import MessageSpecs
import Testing
import TestSupport

@Suite struct SpecSmokeTests {
    @Test func importApplicationBecomesTheMOITApplication() throws {
        let registry = try SpecRegistry(directory: RepositoryPaths.root + "/MessageSpecs")
        let source = read(RepositoryPaths.root + "/MessageSpecs/customs-core/ImportApplication.v2/samples/ImportApplication-01.json")
        let message = try registry.read(source)
        let application = try message.decode(LicenceApplication.self)
        #expect(application.goodsLines[1].value.lexical == "367500.5")
        let target = try #require(registry.spec("moit/ImportLicenceApplication"))
        let output = try target.render(try RecordEncoder.encode(application),
                                       envelope: MessageEnvelope(messageId: "d3d0e2b9-875b-4a8d-a804-575695b611a7", sentAt: "2025-02-24T09:12:43+07:00"))
        let expected = read(RepositoryPaths.root + "/MessageSpecs/moit/ImportLicenceApplication.v1/samples/ImportLicenceApplication-01.xml")
        #expect(String(decoding: output, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
    }
}
