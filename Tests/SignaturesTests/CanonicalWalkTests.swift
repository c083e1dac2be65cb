import CLibXML2
import COpenSSL
import Foundation
import GatewayCore
import HardenedXML
@testable import Signatures
import Testing
import TestSupport

/// The signer's canonicalization walk writes, byte for byte, what libxml2's `xmlC14NExecute`
/// writes (exclusive, without comments) — on every partner sample, on documents built to hit each
/// rule, and on a few thousand generated ones — or declines and leaves the document to libxml2.
@Suite struct CanonicalWalkTests {
    /// nil when libxml2 refuses the document (a relative namespace name, one that is no URI).
    static func libxml2Bytes(_ document: ParsedDocument) -> [UInt8]? {
        var output: UnsafeMutablePointer<xmlChar>?
        let length = xmlC14NDocDumpMemory(document.pointer, nil, Int32(XML_C14N_EXCLUSIVE_1_0.rawValue), nil, 0, &output)
        defer { output.map { gateway_xmlFree($0) } }
        guard let bytes = output, length >= 0 else { return nil }
        return Array(UnsafeBufferPointer(start: bytes, count: Int(length)))
    }

    /// nil when the walk declines the document; the walk's bytes must otherwise be libxml2's, and
    /// it must decline what libxml2 refuses.
    static func compare(_ xml: String) throws -> Bool? {
        let document = try HardenedXMLParser().parse(Array(xml.utf8))
        let walked = CanonicalWalk.bytes(of: document.pointer)
        guard let expected = libxml2Bytes(document) else {
            #expect(walked == nil, "libxml2 refuses to canonicalize, and the walk does not decline:\n\(xml)")
            return walked == nil ? nil : false
        }
        guard let walked else { return nil }
        #expect(walked == expected, """
            walk and libxml2 differ for:
            \(xml)
            walk:    \(String(decoding: walked, as: UTF8.self))
            libxml2: \(String(decoding: expected, as: UTF8.self))
            """)
        return walked == expected
    }

    @Test func everyPartnerSampleIsCanonicalizedAsLibxml2Does() throws {
        let root = RepositoryPaths.root + "/MessageSpecs"
        let files = try FileManager.default.subpathsOfDirectory(atPath: root).filter { $0.hasSuffix(".xml") }
        #expect(files.count >= 10)
        for file in files {
            let xml = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            #expect(try Self.compare(xml) == true, "\(file)")
        }
    }

    @Test(arguments: [
        // The default namespace: rendered once, undeclared with xmlns="" under it, rendered again.
        #"<a xmlns="urn:a"><b><c xmlns=""><d xmlns="urn:a"/></c></b></a>"#,
        // Declared and unused prefixes are not rendered; a prefix is rendered where first used.
        #"<a xmlns:p="urn:p" xmlns:q="urn:q"><b><p:c q:x="1" y="2"><p:d/></p:c><p:e/></b></a>"#,
        // The same prefix bound again to another name, and again to the same one.
        #"<p:a xmlns:p="urn:1"><p:b xmlns:p="urn:2"><p:c xmlns:p="urn:2"/></p:b><p:d/></p:a>"#,
        // Attributes ordered: unqualified by name, then by namespace name, then name.
        #"<a xmlns:z="urn:a" xmlns:b="urn:z" z:k="1" b:k="2" b:a="3" m="4" c="5" xml:lang="vi"/>"#,
        // Namespace declarations ordered by prefix, the default first.
        #"<z:a xmlns="urn:d" xmlns:z="urn:z" xmlns:m="urn:m" m:x="1"><b/></z:a>"#,
        // Escaping of text and attribute values, character references included.
        #"<a t="&amp;&lt;&gt;&quot;'&#9;&#10;&#13; x">&amp; &lt; &gt; " ' &#13; &#9; é 漢 <![CDATA[<&>]]></a>"#,
        // Processing instructions before, inside and after the root; comments dropped.
        "<?before one?><!-- gone --><?empty?>\n<a><?inside x\r?><!-- gone --></a><!-- gone --><?after two?>",
        // Whitespace-only and mixed content are kept.
        "<a>\n  <b> x </b>\n\t<c/>\n</a>",
        // The XML namespace's name bound to another prefix and as the default (not namespace-well-formed).
        #"<p:a xmlns:p="http://www.w3.org/XML/1998/namespace" xml:lang="vi"><b xmlns="http://www.w3.org/XML/1998/namespace"/></p:a>"#,
        // A namespace name with characters libxml2 writes verbatim.
        #"<p:a xmlns:p="urn:x?a=1&amp;b=2'"/>"#,
    ])
    func eachRuleIsWrittenAsLibxml2WritesIt(xml: String) throws {
        #expect(try Self.compare(xml) == true)
    }

    /// Past the walk's 8 KB buffer: a decision of 400 goods lines (about 80 KB), with a line's
    /// text escaped across the buffer's edges.
    @Test func aDocumentLargerThanTheBufferIsCanonicalizedAsLibxml2Does() throws {
        let line = "<Line no=\"1\" note=\"a&amp;b&#10;c\">Thép &amp; &lt;cuộn&gt; &#13; dạng</Line>\n"
        let xml = "<Lines xmlns=\"urn:vn:gov:moit:eps:1\">" + String(repeating: line, count: 400) + "</Lines>"
        #expect(xml.utf8.count > 30_000)
        #expect(try Self.compare(xml) == true)
        let document = try HardenedXMLParser().parse(Array(xml.utf8))
        let expected = try #require(Self.libxml2Bytes(document))
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        EVP_Digest(expected, expected.count, &digest, &length, EVP_sha256(), nil)
        #expect(CanonicalWalk.digest(of: document.pointer, excluding: nil) == digest)
    }

    @Test(arguments: [
        #"<p:a xmlns:p='urn:"x"'/>"#,
        #"<p:a xmlns:p="relative/name"/>"#,
        #"<a xmlns="urn:x?&lt;y&gt;"/>"#,
        #"<a xmlns:p="urn:p" xmlns:q="urn:p" p:x="1" q:x="2"/>"#,
    ])
    func whatLibxml2WritesOtherwiseOrRefusesIsLeftToIt(xml: String) throws {
        #expect(try Self.compare(xml) == nil)
    }

    @Test func generatedDocumentsAreCanonicalizedAsLibxml2Does() throws {
        var generator = DocumentGenerator(seed: 20_261_206)
        var compared = 0, declined = 0, notWellFormed = 0, undeclaring = 0, rebinding = 0
        for _ in 0..<3_000 {
            let xml = generator.document()
            if xml.contains(#"xmlns="""#) { undeclaring += 1 }
            if xml.components(separatedBy: "xmlns:a=").count > 2 { rebinding += 1 }
            guard (try? HardenedXMLParser().parse(Array(xml.utf8))) != nil else {
                notWellFormed += 1
                continue
            }
            switch try Self.compare(xml) {
            case nil: declined += 1
            case true?: compared += 1
            case false?: return
            }
        }
        print("generated documents: \(compared) identical to libxml2, \(declined) declined, \(notWellFormed) not well-formed; "
              + "\(undeclaring) undeclare the default namespace, \(rebinding) bind one prefix more than once")
        #expect(declined == 0 && notWellFormed == 0)
        #expect(compared == 3_000)
    }

    /// The signer's digest with the signature excluded is the verifier's (libxml2's) digest.
    @Test func theDigestWithoutTheSignatureIsLibxml2s() throws {
        for party in ["moit", "mard"] {
            let document = try Fixtures.parser.parse(Array(try Fixtures.signedXML(by: party).utf8))
            let profile = try EnvelopedSignatureProfile.inspect(document)
            let walked = CanonicalWalk.digest(of: document.pointer, excluding: profile.signature.pointer)
            let expected = ExclusiveCanonicalization.digest(of: document.pointer, excluding: profile.signature.pointer)
            #expect(walked != nil && walked == expected, "\(party)")
        }
    }
}

/// Random documents over a small vocabulary, so that prefixes are bound, rebound, undeclared and
/// shared between elements and attributes often. Each is well-formed and namespace-well-formed
/// (no expanded attribute name twice on an element).
struct DocumentGenerator {
    private var state: UInt64
    private let prefixes = ["", "a", "b", "ns"]
    private let names = ["urn:x", "urn:y", "http://example.org/z", "urn:a"]
    private let locals = ["e", "f", "Item", "line"]
    private let texts = ["x", " ", "\n  ", "a &amp; b", "&lt;tag&gt;", "\"q\" 'a'", "&#13;", "&#9;tab", "Thép", "<![CDATA[<&]]>"]

    init(seed: UInt64) {
        state = seed
    }

    private mutating func next(_ bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(bound))
    }

    mutating func document() -> String {
        var xml = next(3) == 0 ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" : ""
        if next(4) == 0 { xml += "<?pi before?>" }
        if next(4) == 0 { xml += "<!-- c -->" }
        xml += element(depth: 0, bound: [:])
        if next(4) == 0 { xml += "<?pi after?>" }
        return xml
    }

    private mutating func element(depth: Int, bound: [String: String]) -> String {
        var bound = bound
        var declarations = ""
        for prefix in prefixes where next(4) == 0 {
            if prefix.isEmpty {
                declarations += next(3) == 0 ? #" xmlns="""# : #" xmlns="\#(names[next(names.count)])""#
            } else {
                let namespace = names[next(names.count)]
                declarations += #" xmlns:\#(prefix)="\#(namespace)""#
                bound[prefix] = namespace
            }
        }
        let usable = prefixes.filter { $0.isEmpty || bound[$0] != nil }
        let prefix = usable[next(usable.count)]
        let name = (prefix.isEmpty ? "" : prefix + ":") + locals[next(locals.count)]
        var attributes = ""
        var used = Set<String>()
        for _ in 0..<next(4) {
            let qualified = usable.filter { !$0.isEmpty }
            let attributePrefix = next(2) == 0 || qualified.isEmpty ? "" : qualified[next(qualified.count)]
            let local = locals[next(locals.count)]
            let attributeName = (attributePrefix.isEmpty ? "" : attributePrefix + ":") + local
            guard used.insert((bound[attributePrefix].map { "{\($0)}" } ?? "") + local).inserted else { continue }
            attributes += #" \#(attributeName)="\#(texts[next(texts.count - 1)].replacingOccurrences(of: "\"", with: "&quot;"))""#
        }
        if next(6) == 0 { attributes += #" xml:lang="vi""# }
        var content = ""
        if depth < 4 {
            for _ in 0..<next(4) {
                switch next(5) {
                case 0, 1: content += element(depth: depth + 1, bound: bound)
                case 2: content += texts[next(texts.count)]
                case 3: content += next(2) == 0 ? "<!-- c -->" : "<?pi in?>"
                default: content += "\n"
                }
            }
        }
        return content.isEmpty && next(2) == 0
            ? "<\(name)\(declarations)\(attributes)/>"
            : "<\(name)\(declarations)\(attributes)>\(content)</\(name)>"
    }
}
