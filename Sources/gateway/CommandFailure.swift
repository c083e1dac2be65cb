import ArgumentParser
import Foundation
import GatewayCore

/// Ends a command the way the command-line contract says: one clear line on stderr, exit 1.
enum CommandFailure {
    static func exit(_ error: Error) -> ExitCode {
        let gatewayError = error.asGatewayError
        var line = "gateway: \(gatewayError)"
        if let path = gatewayError.details.first?.path, path.hasPrefix("/") || path.hasPrefix("line ") {
            line += " [at \(path)]"
        }
        FileHandle.standardError.write(Data((line.replacingOccurrences(of: "\n", with: " ") + "\n").utf8))
        return ExitCode.failure
    }
}

enum InputFile {
    /// The bytes of `path`, or of standard input for `-`.
    static func read(_ path: String) throws(GatewayError) -> [UInt8] {
        if path == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GatewayError(.configurationInvalid, "The file \(path) cannot be read.")
        }
        return Array(data)
    }
}
