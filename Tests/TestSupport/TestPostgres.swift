import Foundation

/// A throwaway PostgreSQL server for tests: initdb into a temporary directory, started with
/// pg_ctl on a free loopback port, stopped and removed by `stop()`. Nothing external is assumed
/// but Debian's postgresql package (installed by `scripts/install-debian-packages --with-test-tools`).
/// PostgreSQL refuses to run as root, so as root it runs as the `postgres` user.
public final class TestPostgres: Sendable {
    public let url: String
    private let directory: String
    private let binaries: String
    private let runAs: String?

    public enum Failure: Error, CustomStringConvertible {
        case notInstalled
        case command(String, Command.Result)

        public var description: String {
            switch self {
            case .notInstalled: "PostgreSQL is not installed (initdb not found): run scripts/install-debian-packages --with-test-tools"
            case .command(let what, let result): "\(what) failed (\(result.status)): \(result.standardError)\(result.standardOutput)"
            }
        }
    }

    /// One server for the whole test process, started on first use and stopped when the process exits.
    public static let shared: Result<TestPostgres, any Error> = {
        let result = Result { try TestPostgres.start() }
        if case .success = result {
            atexit { if case .success(let server) = TestPostgres.shared { server.stop() } }
        }
        return result
    }()

    public static func start() throws -> TestPostgres {
        guard let binaries = findBinaries() else { throw Failure.notInstalled }
        let runAs: String? = getuid() == 0 ? "postgres" : nil
        let directory = temporaryDirectory("postgres")
        if let runAs {
            let chown = Command.run("/bin/chown", ["-R", "\(runAs):\(runAs)", directory])
            guard chown.status == 0 else { throw Failure.command("chown", chown) }
        }
        let server = TestPostgres(directory: directory, binaries: binaries, runAs: runAs, port: FreePort.next())
        try server.run("initdb", ["-D", "\(directory)/data", "-U", "gateway", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"])
        try server.run("pg_ctl", ["-D", "\(directory)/data", "-l", "\(directory)/server.log", "-w", "-t", "60",
                                  "-o", "-h 127.0.0.1 -p \(server.port) -k \(directory) -F", "start"])
        return server
    }

    public let port: Int

    private init(directory: String, binaries: String, runAs: String?, port: Int) {
        self.directory = directory
        self.binaries = binaries
        self.runAs = runAs
        self.port = port
        url = "postgres://gateway@127.0.0.1:\(port)/postgres?sslmode=disable"
    }

    public func stop() {
        _ = try? run("pg_ctl", ["-D", "\(directory)/data", "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs a SQL statement with psql, for tests that tamper with rows behind the gateway's back.
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        try run("psql", ["-h", "127.0.0.1", "-p", String(port), "-U", "gateway", "-d", database, "-At", "-v", "ON_ERROR_STOP=1", "-c", sql])
    }

    /// Runs a PostgreSQL tool with its output in a file and waits for it with waitpid: the
    /// server that pg_ctl leaves running kept Foundation's Process from ever seeing it end.
    @discardableResult
    private func run(_ tool: String, _ arguments: [String]) throws -> String {
        let executable = "\(binaries)/\(tool)"
        let argv = runAs.map { ["/usr/sbin/runuser", "-u", $0, "--", executable] + arguments } ?? [executable] + arguments
        let log = "\(directory)/\(tool)-\(UUID().uuidString).out"
        defer { try? FileManager.default.removeItem(atPath: log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var pid = pid_t()
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArguments, environ)
        guard spawned == 0 else {
            throw Failure.command(tool, Command.Result(status: spawned, standardOutput: "", standardError: "cannot start \(argv[0])", outputBytes: []))
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let output = String(decoding: FileManager.default.contents(atPath: log) ?? Data(), as: UTF8.self)
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        guard exitStatus == 0 else {
            throw Failure.command(tool, Command.Result(status: exitStatus, standardOutput: output, standardError: "", outputBytes: []))
        }
        return output
    }

    private static func findBinaries() -> String? {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        for version in versions.sorted(by: { $0.compare($1, options: .numeric) == .orderedDescending }) {
            let bin = "/usr/lib/postgresql/\(version)/bin"
            if FileManager.default.isExecutableFile(atPath: "\(bin)/initdb") { return bin }
        }
        return nil
    }
}

public enum FreePort {
    /// A port nothing listens on now, from the kernel.
    public static func next() -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
