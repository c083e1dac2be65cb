import CLibXML2
import Foundation
import GatewayCore
import HardenedXML

/// A partner's XSD, compiled once by libxml2. The compiled schema is read-only and shared by
/// every validation; each validation gets its own context, so validations run concurrently.
public final class XMLSchemaValidator: @unchecked Sendable {
    private let schema: xmlSchemaPtr
    public let source: String

    public init(file path: String) throws(GatewayError) {
        ExternalResourceGuard.trust(directory: (path as NSString).deletingLastPathComponent)
        guard FileManager.default.fileExists(atPath: path), let parser = xmlSchemaNewParserCtxt(path) else {
            throw GatewayError(.configurationInvalid, "The XML schema \(path) cannot be read.")
        }
        defer { xmlSchemaFreeParserCtxt(parser) }
        let collector = ErrorCollector()
        let unmanaged = Unmanaged.passRetained(collector)
        defer { unmanaged.release() }
        xmlSchemaSetParserStructuredErrors(parser, ErrorCollector.callback, unmanaged.toOpaque())
        guard let compiled = xmlSchemaParse(parser) else {
            let reasons = collector.errors.map(\.description).joined(separator: "; ")
            throw GatewayError(.configurationInvalid, "The XML schema \(path) does not compile: \(reasons)")
        }
        schema = compiled
        source = path
    }

    deinit {
        xmlSchemaFree(schema)
    }

    /// Every violation of the schema, each with the path of the element (or attribute) concerned.
    public func validate(_ document: ParsedDocument) -> [ErrorDetail] {
        guard let context = xmlSchemaNewValidCtxt(schema) else {
            return [ErrorDetail(path: "/", message: "libxml2 could not allocate a validation context")]
        }
        defer { xmlSchemaFreeValidCtxt(context) }
        let collector = ErrorCollector()
        let unmanaged = Unmanaged.passRetained(collector)
        defer { unmanaged.release() }
        xmlSchemaSetValidStructuredErrors(context, ErrorCollector.callback, unmanaged.toOpaque())
        let result = xmlSchemaValidateDoc(context, document.pointer)
        if result != 0 && collector.errors.isEmpty {
            return [ErrorDetail(path: "/", message: "the document is not valid against \(source)")]
        }
        return collector.errors
    }
}

/// Collects libxml2's structured errors as details with a readable path and message.
private final class ErrorCollector {
    var errors: [ErrorDetail] = []
    private static let limit = 100

    static let callback: xmlStructuredErrorFunc = { context, error in
        guard let context, let error else { return }
        let collector = Unmanaged<ErrorCollector>.fromOpaque(context).takeUnretainedValue()
        guard collector.errors.count < limit else { return }
        collector.errors.append(detail(error.pointee))
    }

    private static func detail(_ error: xmlError) -> ErrorDetail {
        var message = error.message.map { String(cString: $0) } ?? "unknown error \(error.code)"
        message = message.trimmingCharacters(in: .whitespacesAndNewlines)
        var attribute: String?
        // "Element '{urn:…}Quantity', attribute 'unit': …" → path …/Quantity/@unit, message "…".
        if message.hasPrefix("Element '"), let end = message.range(of: "': ") {
            let subject = message[message.index(message.startIndex, offsetBy: 9)..<end.lowerBound]
            if let attributeStart = subject.range(of: "', attribute '") {
                attribute = String(subject[attributeStart.upperBound...])
            }
            message = String(message[end.upperBound...])
        }
        // Element names come qualified ("{urn:vn:gov:moit:eps:1}LicenceNumber"); the path already says where.
        message = message.replacingOccurrences(of: #"\{[a-z]+:[^}\s]*\}"#, with: "", options: .regularExpression)
        var path = "line \(error.line)"
        if let node = error.node?.assumingMemoryBound(to: xmlNode.self), node.pointee.type == XML_ELEMENT_NODE {
            path = ElementNode(node).path
        }
        if let attribute { path += "/@\(attribute)" }
        return ErrorDetail(path: path, message: message)
    }
}
