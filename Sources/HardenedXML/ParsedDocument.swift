import CLibXML2

/// A libxml2 document tree that this value owns and frees. It is not thread-safe: one task
/// reads or changes it at a time, which is why it is not `Sendable`.
public final class ParsedDocument {
    public let pointer: xmlDocPtr

    init(pointer: xmlDocPtr) {
        self.pointer = pointer
    }

    deinit {
        xmlFreeDoc(pointer)
    }

    public var rootElement: ElementNode? {
        xmlDocGetRootElement(pointer).map(ElementNode.init)
    }

    /// The document as UTF-8 bytes with an XML declaration; whitespace is kept as parsed.
    public func serialized() -> [UInt8] {
        var memory: UnsafeMutablePointer<xmlChar>?
        var size: Int32 = 0
        xmlDocDumpMemoryEnc(pointer, &memory, &size, "UTF-8")
        guard let memory else { return [] }
        defer { gateway_xmlFree(memory) }
        return Array(UnsafeBufferPointer(start: memory, count: Int(size)))
    }
}
