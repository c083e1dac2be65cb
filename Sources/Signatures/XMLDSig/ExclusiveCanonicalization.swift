import CLibXML2
import COpenSSL
import GatewayCore

/// Exclusive XML Canonicalization 1.0 without comments (libxml2's), of the two node sets the
/// gateway's XML-DSig profile needs: the whole document less its signature (a `Reference URI=""`
/// with the enveloped-signature transform) and the `ds:SignedInfo` subtree. For the first,
/// libxml2 asks a callback whether each node is in the set: a walk up the parents, where
/// libxmlsec1 searches a node list for every node — the same bytes, without the search.
enum ExclusiveCanonicalization {
    /// SHA-256 of the canonical document without the subtree of `excluded` (or whole).
    static func digest(of document: xmlDocPtr, excluding excluded: xmlNodePtr?) -> [UInt8]? {
        Digest.sha256 { context in
            run(document, visible: excluded == nil ? nil : excludingSubtree, root: excluded, into: Sink(digest: context))
        }
    }

    /// The canonical bytes of the subtree of `root` (ds:SignedInfo), namespaces in scope included
    /// as exclusive canonicalization renders them: a copy of the subtree alone, in a document of
    /// its own, whose copy declares on its top element the namespaces it uses from outside — the
    /// ones exclusive canonicalization renders there — so that the rest of the document is not
    /// walked again.
    static func bytes(ofSubtree root: xmlNodePtr, in document: xmlDocPtr) -> [UInt8]? {
        guard let scratch = xmlNewDoc("1.0") else { return nil }
        defer { xmlFreeDoc(scratch) }
        guard let copy = xmlDocCopyNode(root, scratch, 1) else { return nil }
        xmlDocSetRootElement(scratch, copy)
        let sink = Sink(digest: nil)
        guard run(scratch, visible: nil, root: copy, into: sink) else { return nil }
        return sink.bytes
    }

    private final class Sink {
        let digest: OpaquePointer?
        var bytes: [UInt8] = []
        var root: xmlNodePtr?

        init(digest: OpaquePointer?) {
            self.digest = digest
        }
    }

    private static func run(_ document: xmlDocPtr, visible: xmlC14NIsVisibleCallback?, root: xmlNodePtr?, into sink: Sink) -> Bool {
        sink.root = root
        let context = Unmanaged.passUnretained(sink).toOpaque()
        let write: xmlOutputWriteCallback = { context, buffer, length in
            guard let context, let buffer, length >= 0 else { return -1 }
            let sink = Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue()
            if let digest = sink.digest {
                guard EVP_DigestUpdate(digest, buffer, Int(length)) == 1 else { return -1 }
            } else {
                buffer.withMemoryRebound(to: UInt8.self, capacity: Int(length)) { sink.bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: Int(length))) }
            }
            return length
        }
        let close: xmlOutputCloseCallback = { _ in 0 }
        guard let output = xmlOutputBufferCreateIO(write, close, context, nil) else { return false }
        let result = withExtendedLifetime(sink) {
            xmlC14NExecute(document, visible, context, Int32(XML_C14N_EXCLUSIVE_1_0.rawValue), nil, 0, output)
        }
        return xmlOutputBufferClose(output) >= 0 && result >= 0
    }

    /// The element a node of the set belongs to: itself, or for a namespace node (which has no
    /// parent pointer of its own) the element libxml2 names.
    private static func element(_ node: xmlNodePtr?, _ parent: xmlNodePtr?) -> xmlNodePtr? {
        guard let node else { return parent }
        return node.pointee.type == XML_NAMESPACE_DECL ? parent : node
    }

    private static func isInside(_ node: xmlNodePtr?, _ root: xmlNodePtr) -> Bool {
        var current = node
        while let step = current {
            if step == root { return true }
            current = step.pointee.parent
        }
        return false
    }

    private static let excludingSubtree: xmlC14NIsVisibleCallback = { context, node, parent in
        guard let context, let root = Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue().root else { return 0 }
        return isInside(element(node, parent), root) ? 0 : 1
    }

}
