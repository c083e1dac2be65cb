import Foundation

/// Runs a program to completion and collects what it printed.
public enum Command {
    public struct Result: Sendable {
        public let status: Int32
        public let standardOutput: String
        public let standardError: String
        public let outputBytes: [UInt8]
    }

    public static func run(_ executable: String, _ arguments: [String], input: [UInt8]? = nil,
                           environment: [String: String]? = nil, in directory: String? = nil) -> Result {
        let process = Process()
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/env")
        process.arguments = executable.hasPrefix("/") ? arguments : [executable] + arguments
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let output = Pipe()
        let errors = Pipe()
        let standardInput = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = standardInput
        do {
            try process.run()
        } catch {
            return Result(status: -1, standardOutput: "", standardError: "cannot run \(executable): \(error)", outputBytes: [])
        }
        if let input { standardInput.fileHandleForWriting.write(Data(input)) }
        try? standardInput.fileHandleForWriting.close()
        // Read both pipes while the process runs, so a large output cannot fill a pipe and block it.
        let group = DispatchGroup()
        nonisolated(unsafe) var errorData = Data()
        group.enter()
        DispatchQueue.global().async {
            errorData = errors.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      standardOutput: String(decoding: outputData, as: UTF8.self),
                      standardError: String(decoding: errorData, as: UTF8.self),
                      outputBytes: Array(outputData))
    }
}

/// The Python of the tests' tools: the virtual environment scripts/test makes (with joserfc), or
/// the system's when a test runs outside it.
public enum TestPython {
    public static let path = ProcessInfo.processInfo.environment["GATEWAY_TEST_PYTHON"] ?? "python3"
}
