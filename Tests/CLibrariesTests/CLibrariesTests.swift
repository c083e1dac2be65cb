import CCurl
import CLibXML2
import COpenSSL
import CXMLSec
import Testing

/// The C libraries are the ones the gateway was built for, and their headers are read the way
/// the libraries were compiled.
@Suite struct CLibrariesTests {
    @Test func xmlsecHeadersMatchTheLibrary() {
        // Without XMLSEC_NO_SIZE_T in the shim, xmlSecSize would be size_t and every xmlsec
        // structure would be laid out differently from the library: a silent ABI mismatch.
        #expect(MemoryLayout.size(ofValue: xmlSecBuffer().size) == 4)
        #expect(MemoryLayout<xmlSecDSigCtx>.size == gateway_xmlSecDSigCtxSize())
        // Only compares version numbers: calling xmlSecInit here would re-register libxmlsec1's
        // transforms under the Signatures target running in parallel and drop the OpenSSL ones.
        #expect(gateway_xmlSecCheckVersion() == 1)
    }

    @Test func openSSLIsVersion3() {
        #expect(OpenSSL_version_num() >> 28 == 3)
    }

    @Test func libxml2ParsesInThisProcess() {
        xmlInitParser()
        let text = "<a/>"
        let document = xmlReadMemory(text, Int32(text.utf8.count), nil, nil, 0)
        #expect(document != nil)
        xmlFreeDoc(document)
    }

    @Test func curlIsTheOpenSSLBuildAndItsTypedSetOptionsWork() throws {
        let info = try #require(curl_version_info(CURLVERSION_FOURTH))
        let backend = String(cString: try #require(info.pointee.ssl_version))
        #expect(backend.hasPrefix("OpenSSL/3"))
        let handle = try #require(curl_easy_init())
        defer { curl_easy_cleanup(handle) }
        #expect(gateway_curl_setopt_string(handle, CURLOPT_URL, "http://127.0.0.1:9/") == CURLE_OK)
        #expect(gateway_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, 200) == CURLE_OK)
        var code = 0
        #expect(gateway_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK)
    }
}
