import CLibXML2
import COpenSSL
import Glibc

/// Exclusive XML Canonicalization 1.0 without comments of a whole parsed document (less one
/// subtree, the signature being made), written by walking libxml2's tree once: the bytes
/// `xmlC14NExecute` writes for the same document, without the lists, copies and string
/// searches it makes for every element (a third of a P-256 XML signature's time went to them).
///
/// Only the signer uses it. A document it would not render exactly as libxml2 does — an entity
/// reference, a namespace name that holds a quote or is not an absolute URI, a prefix bound to
/// an empty name, one expanded attribute name twice — is declined (nil), and the caller lets
/// libxml2 canonicalize it (or refuse to). Verification keeps libxml2's: there
/// a divergence could let a change go unseen, where here it could only make a signature that
/// every partner refuses (`CanonicalWalkTests` hold both to the same bytes).
enum CanonicalWalk {
    /// SHA-256 of the canonical document without the subtree of `excluded`; nil when declined.
    static func digest(of document: xmlDocPtr, excluding excluded: xmlNodePtr?) -> [UInt8]? {
        Digest.sha256 { context in
            let output = CanonicalOutput(digest: context)
            return write(document, excluding: excluded, to: output) && output.flush()
        }
    }

    /// The canonical bytes themselves; nil when declined.
    static func bytes(of document: xmlDocPtr, excluding excluded: xmlNodePtr? = nil) -> [UInt8]? {
        let output = CanonicalOutput(digest: nil)
        guard write(document, excluding: excluded, to: output), output.flush() else { return nil }
        return output.collected
    }

    private static func write(_ document: xmlDocPtr, excluding excluded: xmlNodePtr?, to output: CanonicalOutput) -> Bool {
        var walker = Walker(output: output, excluded: excluded)
        var afterRoot = false
        var node = document.pointee.children
        while let current = node {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                guard walker.element(current) else { return false }
                afterRoot = true
            case XML_PI_NODE:
                if afterRoot { output.write(0x0A) }
                walker.processingInstruction(current)
                if !afterRoot { output.write(0x0A) }
            case XML_COMMENT_NODE:
                break
            default:
                return false
            }
            node = current.pointee.next
        }
        return true
    }
}

/// One walk's state: the namespace declarations rendered by the elements open on the output,
/// innermost last (exclusive canonicalization renders a prefix an element uses unless an output
/// ancestor rendered it with the same name).
private struct Walker {
    let output: CanonicalOutput
    let excluded: xmlNodePtr?
    private var renderedPrefixes: [UnsafePointer<xmlChar>?] = []
    private var renderedNames: [UnsafePointer<xmlChar>] = []
    private var pending: [(prefix: UnsafePointer<xmlChar>?, name: UnsafePointer<xmlChar>)] = []
    private var attributes: [xmlAttrPtr] = []
    private static let xmlNamespace: [CChar] = Array("http://www.w3.org/XML/1998/namespace".utf8CString)
    private static let xmlPrefix: [CChar] = Array("xml".utf8CString)

    init(output: CanonicalOutput, excluded: xmlNodePtr?) {
        self.output = output
        self.excluded = excluded
    }

    mutating func element(_ element: xmlNodePtr) -> Bool {
        if element == excluded { return true }
        guard Self.declaresAbsoluteNamespaces(element) else { return false }
        output.write(0x3C)
        writeName(element.pointee.name, namespace: element.pointee.ns)
        let mark = renderedPrefixes.count
        guard namespaces(of: element), attributesOf(element) else { return false }
        output.write(0x3E)
        var child = element.pointee.children
        while let node = child {
            switch node.pointee.type {
            case XML_ELEMENT_NODE:
                guard self.element(node) else { return false }
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = node.pointee.content { output.writeEscaped(content, attribute: false) }
            case XML_PI_NODE:
                processingInstruction(node)
            case XML_COMMENT_NODE:
                break
            default:
                return false
            }
            child = node.pointee.next
        }
        output.write(0x3C)
        output.write(0x2F)
        writeName(element.pointee.name, namespace: element.pointee.ns)
        output.write(0x3E)
        renderedPrefixes.removeSubrange(mark...)
        renderedNames.removeSubrange(mark...)
        return true
    }

    /// libxml2 refuses to canonicalize a document that declares a relative namespace name or one
    /// that is not a URI (as C14N 1.0 requires); the walk leaves those to it.
    private static func declaresAbsoluteNamespaces(_ element: xmlNodePtr) -> Bool {
        var declaration = element.pointee.nsDef
        while let current = declaration {
            if let name = current.pointee.href, name.pointee != 0 {
                let uri = name.withMemoryRebound(to: CChar.self, capacity: 1) { xmlParseURI($0) }
                defer { uri.map { xmlFreeURI($0) } }
                guard let scheme = uri?.pointee.scheme, scheme.pointee != 0 else { return false }
            }
            declaration = current.pointee.next
        }
        return true
    }

    func processingInstruction(_ node: xmlNodePtr) {
        output.write(0x3C)
        output.write(0x3F)
        output.writeVerbatim(node.pointee.name)
        if let content = node.pointee.content, content.pointee != 0 {
            output.write(0x20)
            output.writeProcessingInstruction(content)
        }
        output.write(0x3F)
        output.write(0x3E)
    }

    private func writeName(_ name: UnsafePointer<xmlChar>?, namespace: xmlNsPtr?) {
        if let prefix = namespace?.pointee.prefix, prefix.pointee != 0 {
            output.writeVerbatim(prefix)
            output.write(0x3A)
        }
        output.writeVerbatim(name)
    }

    /// The namespace axis: the element's own prefix (the default one when it has none) and its
    /// attributes' prefixes, each unless an output ancestor rendered it with the same name;
    /// the `xml` namespace never. Sorted by prefix, the default first.
    private mutating func namespaces(of element: xmlNodePtr) -> Bool {
        pending.removeAll(keepingCapacity: true)
        let own = element.pointee.ns
        guard use(prefix: own?.pointee.prefix, name: own?.pointee.href ?? Self.emptyName) else { return false }
        var attribute = element.pointee.properties
        while let current = attribute {
            if let namespace = current.pointee.ns {
                guard let prefix = namespace.pointee.prefix, let name = namespace.pointee.href,
                      use(prefix: prefix, name: name) else { return false }
            }
            attribute = current.pointee.next
        }
        if pending.count > 1 {
            pending.sort { first, second in
                guard let a = first.prefix else { return second.prefix != nil }
                guard let b = second.prefix else { return false }
                return strcmp(a, b) < 0
            }
        }
        for (prefix, name) in pending {
            if let prefix {
                output.writeVerbatim(" xmlns:")
                output.writeVerbatim(prefix)
            } else {
                output.writeVerbatim(" xmlns")
            }
            output.writeVerbatim("=\"")
            output.writeVerbatim(name)
            output.write(0x22)
        }
        return true
    }

    /// Records that this element uses `prefix` bound to `name`, to be rendered unless it already
    /// is; false for a binding libxml2 would render otherwise than as `prefix="name"` verbatim.
    private mutating func use(prefix: UnsafePointer<xmlChar>?, name: UnsafePointer<xmlChar>) -> Bool {
        let prefix = prefix.flatMap { $0.pointee == 0 ? nil : $0 }
        // The `xml` prefix bound to its own namespace, as libxml2 tells it; any other binding of
        // that name is rendered like any other.
        if let prefix, strcmp(prefix, Self.xmlPrefix) == 0, strcmp(name, Self.xmlNamespace) == 0 { return true }
        if prefix != nil, name.pointee == 0 { return false }
        if strchr(name, 0x22) != nil { return false }
        if strcmp(rendered(prefix), name) == 0 { return true }
        renderedPrefixes.append(prefix)
        renderedNames.append(name)
        pending.append((prefix, name))
        return true
    }

    /// The name an output ancestor (or this element) rendered for `prefix`: empty for the default
    /// namespace nobody rendered, nil for a prefix nobody rendered.
    private func rendered(_ prefix: UnsafePointer<xmlChar>?) -> UnsafePointer<xmlChar> {
        var index = renderedPrefixes.count - 1
        while index >= 0 {
            let candidate = renderedPrefixes[index]
            switch (candidate, prefix) {
            case (nil, nil): return renderedNames[index]
            case let (a?, b?) where strcmp(a, b) == 0: return renderedNames[index]
            default: break
            }
            index -= 1
        }
        return prefix == nil ? Self.emptyName : Self.unrendered
    }

    /// The name of no namespace, and one that compares unequal to any namespace name a parsed
    /// document can hold (0xFF is never in UTF-8).
    /// Never written to after they are made.
    nonisolated(unsafe) private static let emptyName = constant([0])
    nonisolated(unsafe) private static let unrendered = constant([0xFF, 0])

    private static func constant(_ bytes: [xmlChar]) -> UnsafePointer<xmlChar> {
        let storage = UnsafeMutablePointer<xmlChar>.allocate(capacity: bytes.count)
        storage.initialize(from: bytes, count: bytes.count)
        return UnsafePointer(storage)
    }

    /// The attributes sorted as C14N orders them: those without a namespace first by local name,
    /// then by namespace name and local name.
    private static func order(_ first: xmlAttrPtr, _ second: xmlAttrPtr) -> Int32 {
        switch (first.pointee.ns?.pointee.href, second.pointee.ns?.pointee.href) {
        case (nil, nil): return strcmp(first.pointee.name, second.pointee.name)
        case (nil, _): return -1
        case (_, nil): return 1
        case let (a?, b?):
            let order = strcmp(a, b)
            return order != 0 ? order : strcmp(first.pointee.name, second.pointee.name)
        }
    }

    private mutating func attributesOf(_ element: xmlNodePtr) -> Bool {
        attributes.removeAll(keepingCapacity: true)
        var attribute = element.pointee.properties
        while let current = attribute {
            attributes.append(current)
            attribute = current.pointee.next
        }
        if attributes.count > 1 {
            attributes.sort { Self.order($0, $1) < 0 }
            // Two attributes of one expanded name (not namespace-well-formed, which libxml2 lets
            // through): libxml2 orders them its own way.
            for index in attributes.indices.dropFirst() where Self.order(attributes[index - 1], attributes[index]) == 0 {
                return false
            }
        }
        for attribute in attributes {
            output.write(0x20)
            writeName(attribute.pointee.name, namespace: attribute.pointee.ns)
            output.writeVerbatim("=\"")
            var value = attribute.pointee.children
            while let node = value {
                guard node.pointee.type == XML_TEXT_NODE else { return false }
                if let content = node.pointee.content { output.writeEscaped(content, attribute: true) }
                value = node.pointee.next
            }
            output.write(0x22)
        }
        return true
    }
}

private func strcmp(_ a: UnsafePointer<xmlChar>, _ b: UnsafePointer<xmlChar>) -> Int32 {
    a.withMemoryRebound(to: CChar.self, capacity: 1) { a in b.withMemoryRebound(to: CChar.self, capacity: 1) { b in Glibc.strcmp(a, b) } }
}

private func strcmp(_ a: UnsafePointer<xmlChar>, _ b: [CChar]) -> Int32 {
    a.withMemoryRebound(to: CChar.self, capacity: 1) { a in Glibc.strcmp(a, b) }
}

private func strchr(_ a: UnsafePointer<xmlChar>, _ character: Int32) -> UnsafePointer<CChar>? {
    a.withMemoryRebound(to: CChar.self, capacity: 1) { UnsafePointer(Glibc.strchr($0, character)) }
}

/// The canonical bytes on their way out: gathered in a fixed buffer and handed to the digest (or
/// kept) a buffer at a time.
private final class CanonicalOutput {
    private let digest: OpaquePointer?
    private let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: CanonicalOutput.capacity)
    private var count = 0
    private var failed = false
    private(set) var collected: [UInt8] = []
    private static let capacity = 8192

    init(digest: OpaquePointer?) {
        self.digest = digest
    }

    deinit {
        buffer.deallocate()
    }

    func flush() -> Bool {
        if count > 0 {
            if let digest {
                if EVP_DigestUpdate(digest, buffer, count) != 1 { failed = true }
            } else {
                collected.append(contentsOf: UnsafeBufferPointer(start: buffer, count: count))
            }
            count = 0
        }
        return !failed
    }

    @inline(__always)
    func write(_ byte: UInt8) {
        if count == Self.capacity { _ = flush() }
        buffer[count] = byte
        count += 1
    }

    func write(_ bytes: UnsafePointer<UInt8>, _ length: Int) {
        var start = bytes, remaining = length
        while remaining > 0 {
            if count == Self.capacity { _ = flush() }
            let step = min(remaining, Self.capacity - count)
            (buffer + count).update(from: start, count: step)
            count += step
            start += step
            remaining -= step
        }
    }

    func writeVerbatim(_ text: UnsafePointer<xmlChar>?) {
        guard let text else { return }
        write(text, Int(xmlStrlen(text)))
    }

    func writeVerbatim(_ text: StaticString) {
        write(text.utf8Start, text.utf8CodeUnitCount)
    }

    /// Text (`&`, `<`, `>`, CR) or an attribute value (`&`, `<`, `"`, TAB, LF, CR) escaped as
    /// C14N writes them; runs without a special byte are copied whole.
    func writeEscaped(_ text: UnsafePointer<xmlChar>, attribute: Bool) {
        var run = text, cursor = text
        while true {
            let byte = cursor.pointee
            let replacement: StaticString?
            switch byte {
            case 0: replacement = nil
            case 0x26: replacement = "&amp;"
            case 0x3C: replacement = "&lt;"
            case 0x3E: replacement = attribute ? nil : "&gt;"
            case 0x22: replacement = attribute ? "&quot;" : nil
            case 0x09: replacement = attribute ? "&#x9;" : nil
            case 0x0A: replacement = attribute ? "&#xA;" : nil
            case 0x0D: replacement = "&#xD;"
            default:
                cursor += 1
                continue
            }
            if byte == 0 || replacement != nil {
                write(run, cursor - run)
                if byte == 0 { return }
                writeVerbatim(replacement!)
                cursor += 1
                run = cursor
            } else {
                cursor += 1
            }
        }
    }

    /// A processing instruction's content: CR escaped, nothing else.
    func writeProcessingInstruction(_ text: UnsafePointer<xmlChar>) {
        var run = text, cursor = text
        while cursor.pointee != 0 {
            if cursor.pointee == 0x0D {
                write(run, cursor - run)
                writeVerbatim("&#xD;")
                run = cursor + 1
            }
            cursor += 1
        }
        write(run, cursor - run)
    }
}
