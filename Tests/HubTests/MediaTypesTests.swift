@testable import Hub
import Testing

@Suite struct MediaTypesTests {
    @Test func theTypeIsReadWithoutParametersBlanksOrCase() {
        #expect(MediaTypes.mediaType("application/xml") == "application/xml")
        #expect(MediaTypes.mediaType("application/xml; charset=utf-8") == "application/xml")
        #expect(MediaTypes.mediaType(" \tApplication/JOSE ;q=1") == "application/jose")
        #expect(MediaTypes.mediaType("") == "")
        #expect(MediaTypes.mediaType(" ; charset=utf-8") == "")
    }
}
