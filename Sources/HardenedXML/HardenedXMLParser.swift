import CLibXML2
import GatewayCore

/// The only way the gateway reads XML. No DTD is processed (a `<!DOCTYPE` stops the parse at
/// once, so no entity can be declared, let alone expanded), nothing is loaded from the network or
/// the file system, and size and depth are bounded. Whitespace is kept, as it is signed content,
/// unless the document is only read for its values (`forValues`).
public struct HardenedXMLParser: Sendable {
    public var limits: XMLParsingLimits
    /// Whether the whitespace between elements becomes text nodes of the tree.
    public private(set) var keepsIndentation = true

    public init(limits: XMLParsingLimits = .default) {
        self.limits = limits
    }

    /// This parser for a document that is read for its values and checked against its schema,
    /// never canonicalised, signed or written again: the whitespace between elements is left out
    /// of the tree (libxml2's `XML_PARSE_NOBLANKS`; whitespace that is an element's whole content
    /// stays). The indentation was half the nodes of a partner's document, each one parsed,
    /// passed over by the schema check and the field reader, and freed: 9% of reading and
    /// translating a 50-line licence decision (`gateway bench specs`). No partner schema has mixed
    /// content, where such whitespace could be text.
    public var forValues: HardenedXMLParser {
        var parser = self
        parser.keepsIndentation = false
        return parser
    }

    public func parse(_ bytes: [UInt8]) throws(GatewayError) -> ParsedDocument {
        let result = bytes.withUnsafeBytes { buffer in Result { () throws(GatewayError) in try parse(buffer) } }
        return try result.get()
    }

    public func parse(_ bytes: UnsafeRawBufferPointer) throws(GatewayError) -> ParsedDocument {
        ExternalResourceGuard.install()
        guard bytes.count <= limits.maximumBytes else {
            throw GatewayError(.tooLarge, "The document is \(bytes.count) bytes; the limit is \(limits.maximumBytes) bytes.")
        }
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            throw GatewayError(.malformed, "The document is empty.", path: "/")
        }
        guard let context = xmlNewParserCtxt() else {
            throw GatewayError(.internalError, "libxml2 could not allocate a parser context.")
        }
        defer { xmlFreeParserCtxt(context) }

        let watch = ParseWatch(maximumDepth: limits.maximumDepth)
        let unmanagedWatch = Unmanaged.passRetained(watch)
        defer { unmanagedWatch.release() }
        context.pointee._private = unmanagedWatch.toOpaque()
        ParseWatch.install(on: context)

        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue | (keepsIndentation ? 0 : XML_PARSE_NOBLANKS.rawValue))
        let document = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { characters in
            xmlCtxtReadMemory(context, characters, Int32(bytes.count), nil, nil, options)
        }
        if let refusal = watch.refusal {
            document.map(xmlFreeDoc)
            throw refusal
        }
        guard let document, context.pointee.wellFormed != 0, xmlDocGetRootElement(document) != nil else {
            document.map(xmlFreeDoc)
            let details = watch.errors.isEmpty
                ? [ErrorDetail(path: "/", message: "The document has no root element.")]
                : watch.errors
            throw GatewayError(.malformed, "The document is not well-formed XML: \(details[0].message)", details: details)
        }
        return ParsedDocument(pointer: document)
    }
}

/// What the parser callbacks observed; reached from C through the context's `_private` pointer.
final class ParseWatch {
    let maximumDepth: Int
    var refusal: GatewayError?
    var errors: [ErrorDetail] = []
    private static let maximumReportedErrors = 20

    init(maximumDepth: Int) {
        self.maximumDepth = maximumDepth
    }

    static func from(_ context: UnsafeMutableRawPointer?) -> (xmlParserCtxtPtr, ParseWatch)? {
        guard let parser = context?.assumingMemoryBound(to: xmlParserCtxt.self),
              let opaque = parser.pointee._private else { return nil }
        return (parser, Unmanaged<ParseWatch>.fromOpaque(opaque).takeUnretainedValue())
    }

    static func location(_ parser: xmlParserCtxtPtr) -> String {
        "line \(xmlSAX2GetLineNumber(parser)), column \(xmlSAX2GetColumnNumber(parser))"
    }

    func refuse(_ parser: xmlParserCtxtPtr, _ message: String) {
        if refusal == nil {
            refusal = GatewayError(.malformed, message, path: ParseWatch.location(parser))
        }
        xmlStopParser(parser)
    }

    static func install(on context: xmlParserCtxtPtr) {
        guard let sax = context.pointee.sax else { return }
        sax.pointee.internalSubset = { context, _, _, _ in
            guard let (parser, watch) = ParseWatch.from(context) else { return }
            watch.refuse(parser, "Document type declarations (<!DOCTYPE …>) are not accepted: the gateway does not process DTDs or entities.")
        }
        sax.pointee.externalSubset = sax.pointee.internalSubset
        sax.pointee.startElementNs = { context, localName, prefix, uri, namespaceCount, namespaces, attributeCount, defaultedCount, attributes in
            guard let (parser, watch) = ParseWatch.from(context) else { return }
            if Int(parser.pointee.nameNr) >= watch.maximumDepth {
                watch.refuse(parser, "Elements are nested deeper than \(watch.maximumDepth) levels.")
                return
            }
            xmlSAX2StartElementNs(context, localName, prefix, uri, namespaceCount, namespaces, attributeCount, defaultedCount, attributes)
        }
        sax.pointee.serror = { context, error in
            guard let error, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue,
                  let (_, watch) = ParseWatch.from(context),
                  watch.errors.count < ParseWatch.maximumReportedErrors else { return }
            let text = error.pointee.message.map { String(cString: $0) } ?? "unknown libxml2 error \(error.pointee.code)"
            let message = text.trimmingWhitespace()
            watch.errors.append(ErrorDetail(path: "line \(error.pointee.line), column \(error.pointee.int2)", message: message))
        }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
