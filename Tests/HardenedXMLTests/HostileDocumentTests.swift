import Foundation
import GatewayCore
import HardenedXML
import Testing
import TestSupport

/// The three classic attacks on an XML parser, each refused at once and without touching a file.
@Suite struct HostileDocumentTests {
    let parser = HardenedXMLParser()

    private func refusal(_ text: String, parser: HardenedXMLParser? = nil) -> (GatewayError?, Duration) {
        let clock = ContinuousClock()
        var caught: GatewayError?
        let elapsed = clock.measure {
            do { _ = try (parser ?? self.parser).parse(Array(text.utf8)) } catch { caught = error as? GatewayError }
        }
        return (caught, elapsed)
    }

    @Test func billionLaughsIsRefusedBeforeAnyEntityIsDeclared() {
        var declarations = "<!ENTITY lol0 \"lol\">\n"
        for level in 1...9 {
            let previous = String(repeating: "&lol\(level - 1);", count: 10)
            declarations += "<!ENTITY lol\(level) \"\(previous)\">\n"
        }
        let document = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n\(declarations)]>\n<lolz>&lol9;</lolz>"
        let (error, elapsed) = refusal(document)
        #expect(error?.code == .malformed)
        #expect(error?.message.contains("DOCTYPE") == true)
        #expect(error?.details.first?.path.hasPrefix("line 2") == true)
        #expect(elapsed < .milliseconds(100))
    }

    @Test func externalEntityIsRefusedAndTheFileIsNeverOpened() throws {
        // The entity points at a named pipe: opening it for reading blocks until a writer comes,
        // so a parser that tried to read it would hang this test instead of passing it.
        let directory = temporaryDirectory("xxe")
        let fifo = directory + "/secret"
        #expect(mkfifo(fifo, 0o600) == 0)
        let loadsBefore = ExternalResourceGuard.refusedLoads
        for document in [
            "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY xxe SYSTEM \"file://\(fifo)\">]><d>&xxe;</d>",
            "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><d>&xxe;</d>",
            "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY % p SYSTEM \"file://\(fifo)\"> %p;]><d/>",
            "<?xml version=\"1.0\"?><!DOCTYPE d SYSTEM \"file://\(fifo)\"><d/>",
            "<?xml version=\"1.0\"?><!DOCTYPE d SYSTEM \"http://127.0.0.1:9/evil.dtd\"><d/>",
        ] {
            let (error, elapsed) = refusal(document)
            #expect(error?.code == .malformed, "\(document)")
            #expect(error?.message.contains("DOCTYPE") == true)
            #expect(error?.message.contains("root:") == false)
            #expect(elapsed < .milliseconds(100))
        }
        #expect(ExternalResourceGuard.refusedLoads == loadsBefore, "the parser asked for an external resource")
    }

    @Test func tenMegabytesNestedHundredThousandDeepIsRefusedQuickly() {
        let depth = 100_000
        var document = "<?xml version=\"1.0\"?>"
        document.reserveCapacity(10_500_000)
        let open = "<e xmlns=\"urn:deep\" a=\"x\">"
        document += String(repeating: open, count: depth)
        let closing = String(repeating: "</e>", count: depth)
        document += String(repeating: " ", count: max(0, 10_000_000 - document.utf8.count - closing.utf8.count))
        document += closing
        #expect(document.utf8.count >= 10_000_000)

        // At the gateway's 5 MiB limit the size alone refuses it, before any parsing.
        let (tooLarge, quickly) = refusal(document)
        #expect(tooLarge?.code == .tooLarge)
        #expect(quickly < .milliseconds(100))

        // With the size limit lifted, the depth limit stops the parse at element 65.
        let generous = HardenedXMLParser(limits: XMLParsingLimits(maximumBytes: 20_000_000))
        let (tooDeep, elapsed) = refusal(document, parser: generous)
        #expect(tooDeep?.code == .malformed)
        #expect(tooDeep?.message.contains("nested deeper than 64") == true)
        #expect(elapsed < .milliseconds(500))
    }
}
