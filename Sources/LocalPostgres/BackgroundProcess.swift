import Foundation

/// A helper process (a test's partner server, PostgreSQL's tools), started with posix_spawn
/// and waited for with waitpid: Foundation's Process waits for such children unreliably on
/// Linux when they leave a server running or are stopped from a test thread.
public final class BackgroundProcess: Sendable {
    public let pid: pid_t

    /// Starts `arguments[0]` (looked up in PATH) with its output in `log`.
    public init(_ arguments: [String], log: String) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let cArguments = arguments.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid = pid_t()
        let status = posix_spawnp(&pid, arguments[0], &actions, nil, cArguments, environ)
        guard status == 0 else { throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "cannot start \(arguments[0])"]) }
        self.pid = pid
    }

    /// Runs a command to its end; its exit status and what it printed.
    public static func run(_ arguments: [String], log: String) throws -> (status: Int32, output: String) {
        let process = try BackgroundProcess(arguments, log: log)
        let status = process.wait()
        return (status, String(decoding: FileManager.default.contents(atPath: log) ?? Data(), as: UTF8.self))
    }

    /// Waits for the process to end: its exit status, or 128 + the signal that ended it.
    @discardableResult
    public func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    public func stop() {
        kill(pid, SIGKILL)
        wait()
    }
}
