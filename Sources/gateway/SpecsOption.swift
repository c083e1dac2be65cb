import ArgumentParser
import GatewayCore
import MessageSpecs
import Signatures

/// `--specs DIR`, shared by the commands that read partner messages.
struct SpecsOption: ParsableArguments {
    @Option(name: .customLong("specs"), help: "The message specs directory.")
    var directory = "MessageSpecs"

    func registry() throws(GatewayError) -> SpecRegistry {
        try SpecRegistry(directory: directory)
    }
}

enum MessageInput {
    /// A file's message: XML or JSON as is, a JWS as its (unverified) payload.
    static func read(_ path: String) throws(GatewayError) -> (bytes: [UInt8], wasJWS: Bool) {
        let bytes = try InputFile.read(path)
        guard MessageFormat.detect(bytes) == .jws else { return (bytes, false) }
        return (try UnverifiedPayload.of(String(decoding: bytes, as: UTF8.self)), true)
    }
}
