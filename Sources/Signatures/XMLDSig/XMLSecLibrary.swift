import CXMLSec
import Foundation
import GatewayCore
import HardenedXML

/// libxmlsec1 on OpenSSL, initialised once per process. Its error callback can fire on any
/// thread, so each thread keeps its own last messages for the operation it is running.
enum XMLSecLibrary {
    static func ensureInitialized() throws(GatewayError) {
        try initialization.get()
    }

    private static let initialization: Result<Void, GatewayError> = {
        ExternalResourceGuard.install()
        guard xmlSecInit() >= 0 else {
            return .failure(GatewayError(.internalError, "libxmlsec1 could not be initialised."))
        }
        guard gateway_xmlSecCheckVersion() == 1 else {
            return .failure(GatewayError(.internalError, "The loaded libxmlsec1 does not match the headers the gateway was built with."))
        }
        guard xmlSecOpenSSLAppInit(nil) >= 0, xmlSecOpenSSLInit() >= 0 else {
            return .failure(GatewayError(.internalError, "The OpenSSL backend of libxmlsec1 could not be initialised."))
        }
        xmlSecErrorsSetCallback { _, _, function, object, subject, reason, message in
            let text = [function, object, subject, message]
                .compactMap { $0.map { String(cString: $0) } }
                .filter { !$0.isEmpty && $0 != "NULL" }
                .joined(separator: ": ")
            XMLSecLibrary.record("\(text) (reason \(reason))")
        }
        return .success(())
    }()

    private static let errorsKey = "gateway.xmlsec.errors"

    private static func record(_ message: String) {
        let dictionary = Thread.current.threadDictionary
        var messages = dictionary[errorsKey] as? [String] ?? []
        if messages.count >= 8 { messages.removeFirst() }
        messages.append(message)
        dictionary[errorsKey] = messages
    }

    /// The messages xmlsec reported on this thread since the last call, for an error's detail.
    static func takeErrors() -> String {
        let dictionary = Thread.current.threadDictionary
        let messages = dictionary[errorsKey] as? [String] ?? []
        dictionary.removeObject(forKey: errorsKey)
        return messages.isEmpty ? "no detail from libxmlsec1" : messages.joined(separator: "; ")
    }
}
