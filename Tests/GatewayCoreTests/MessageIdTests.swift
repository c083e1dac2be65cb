import Foundation
import GatewayCore
import Testing

@Suite struct MessageIdTests {
    /// World §2: message ids are random lowercase UUIDs, version 4 with the RFC 4122 variant.
    @Test func randomIdsAreLowercaseVersionFourUUIDs() {
        let ids = (0..<2000).map { _ in RandomMessageIds().next() }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            let parsed = UUID(uuidString: id)
            #expect(parsed != nil, "\(id) is not a UUID")
            #expect(parsed?.uuidString.lowercased() == id)
            let bytes = parsed.map { withUnsafeBytes(of: $0.uuid) { Array($0) } } ?? []
            #expect(bytes.count == 16 && bytes[6] >> 4 == 4 && bytes[8] >> 6 == 0b10, "\(id) is not a version 4 UUID")
        }
        // Every hexadecimal digit outside the fixed bits turns up in every position.
        for position in [0, 9, 15, 20, 35] {
            #expect(Set(ids.map { $0.utf8[$0.utf8.index($0.utf8.startIndex, offsetBy: position)] }).count == 16)
        }
    }
}
