import Foundation
import GatewayCore
import MessageSpecs
import Signatures
import Store

extension FlowContext {
    /// The canonical record of a stored message: the record kept beside it, or — for a message
    /// stored before records were kept beside outbound messages — its bytes read again by its
    /// spec (the signature is not checked here: the gateway stored these bytes itself).
    func record<T: CanonicalRecord>(_ type: T.Type, of message: StoredMessage) throws(GatewayError) -> T {
        if let record = message.record { return try specs.decode(T.self, fromRecord: record) }
        let content = message.body.first == UInt8(ascii: "<") ? message.body
            : try UnverifiedPayload.of(String(decoding: message.body, as: UTF8.self))
        return try specs.read(content).decode(T.self)
    }
}
