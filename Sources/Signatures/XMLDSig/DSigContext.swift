import COpenSSL
import CXMLSec
import GatewayCore

/// One libxmlsec1 signature context, restricted to the profile's algorithms and to same-document
/// references (defence in depth: `EnvelopedSignatureProfile` has already refused the rest).
/// It owns the key it is given and frees both when it goes.
final class DSigContext {
    let pointer: xmlSecDSigCtxPtr

    init(key: OpaquePointer) throws(GatewayError) {
        try XMLSecLibrary.ensureInitialized()
        guard let context = xmlSecDSigCtxCreate(nil) else {
            throw GatewayError(.internalError, "libxmlsec1 could not allocate a signature context.")
        }
        pointer = context
        context.pointee.enabledReferenceUris = xmlSecTransformUriType(xmlSecTransformUriTypeEmpty)
        for make in XMLDSigAlgorithms.canonicalizations.values {
            xmlSecDSigCtxEnableReferenceTransform(context, make())
            xmlSecDSigCtxEnableSignatureTransform(context, make())
        }
        xmlSecDSigCtxEnableReferenceTransform(context, xmlSecTransformEnvelopedGetKlass())
        for make in XMLDSigAlgorithms.digests.values {
            xmlSecDSigCtxEnableReferenceTransform(context, make())
        }
        for make in XMLDSigAlgorithms.signatureMethods.values {
            xmlSecDSigCtxEnableSignatureTransform(context, make())
        }
        context.pointee.signKey = try DSigContext.xmlSecKey(from: key)
    }

    deinit {
        xmlSecDSigCtxDestroy(pointer)
    }

    /// Wraps an EVP key (public for verifying, private for signing) as the context's only key, so
    /// libxmlsec1 never looks for a key in the document's KeyInfo.
    private static func xmlSecKey(from evp: OpaquePointer) throws(GatewayError) -> xmlSecKeyPtr {
        EVP_PKEY_up_ref(evp)
        guard let data = xmlSecOpenSSLEvpKeyAdopt(evp) else {
            EVP_PKEY_free(evp)
            throw GatewayError(.internalError, "libxmlsec1 cannot use the key: \(XMLSecLibrary.takeErrors())")
        }
        guard let key = xmlSecKeyCreate() else {
            xmlSecKeyDataDestroy(data)
            throw GatewayError(.internalError, "libxmlsec1 could not allocate a key.")
        }
        guard xmlSecKeySetValue(key, data) >= 0 else {
            xmlSecKeyDataDestroy(data)
            xmlSecKeyDestroy(key)
            throw GatewayError(.internalError, "libxmlsec1 cannot use the key: \(XMLSecLibrary.takeErrors())")
        }
        return key
    }

    var status: xmlSecDSigStatus { pointer.pointee.status }

    /// Whether every reference's digest matched (false when any was found altered).
    var referencesMatched: Bool {
        withUnsafeMutablePointer(to: &pointer.pointee.signedInfoReferences) { list in
            (0..<xmlSecPtrListGetSize(list)).allSatisfy { index in
                guard let item = xmlSecPtrListGetItem(list, index) else { return false }
                return item.assumingMemoryBound(to: xmlSecDSigReferenceCtx.self).pointee.status == xmlSecDSigStatusSucceeded
            }
        }
    }
}
