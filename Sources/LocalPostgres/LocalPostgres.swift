import Foundation

/// A throwaway PostgreSQL server on loopback: initdb into a temporary directory, started with
/// pg_ctl on a free port, stopped and removed by `stop()`. For the tests and the benchmarks that
/// need PostgreSQL: nothing external is assumed but Debian's postgresql package (installed by
/// `scripts/install-debian-packages --with-test-tools`). PostgreSQL refuses to run as root, so as
/// root it runs as the `postgres` user.
public final class LocalPostgres: Sendable {
    /// `postgres://gateway@127.0.0.1:PORT/postgres?sslmode=disable`
    public let url: String
    public let port: Int
    private let directory: String
    private let binaries: String
    private let runAs: String?

    public enum Failure: Error, CustomStringConvertible {
        case notInstalled
        case command(String, status: Int32, output: String)

        public var description: String {
            switch self {
            case .notInstalled: "PostgreSQL is not installed (initdb not found): run scripts/install-debian-packages --with-test-tools"
            case .command(let what, let status, let output): "\(what) failed (\(status)): \(output)"
            }
        }
    }

    public static func start() throws -> LocalPostgres {
        guard let binaries = findBinaries() else { throw Failure.notInstalled }
        let runAs: String? = getuid() == 0 ? "postgres" : nil
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-postgres-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let server = LocalPostgres(directory: directory, binaries: binaries, runAs: runAs, port: try freePort())
        if let runAs {
            let (status, output) = try BackgroundProcess.run(["/bin/chown", "-R", "\(runAs):\(runAs)", directory], log: "/dev/null")
            guard status == 0 else { throw Failure.command("chown", status: status, output: output) }
        }
        try server.run("initdb", ["-D", "\(directory)/data", "-U", "gateway", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"])
        try server.resume()
        return server
    }

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

    /// Stops the server as an operator's restart or a failover does (open connections are cut), keeping its data.
    public func pause() throws {
        try run("pg_ctl", ["-D", "\(directory)/data", "-m", "fast", "-w", "stop"])
    }

    /// Starts the server (again) on its port with its data.
    public func resume() throws {
        try run("pg_ctl", ["-D", "\(directory)/data", "-l", "\(directory)/server.log", "-w", "-t", "60",
                           "-o", "-h 127.0.0.1 -p \(port) -k \(directory) -F", "start"])
    }

    /// Runs a SQL statement with psql.
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        try run("psql", ["-h", "127.0.0.1", "-p", String(port), "-U", "gateway", "-d", database, "-At", "-v", "ON_ERROR_STOP=1", "-c", sql])
    }

    /// A new empty database on this server: its connection URL.
    public func newDatabase(_ prefix: String) throws -> String {
        let name = "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
        try psql("CREATE DATABASE \(name)")
        return url.replacingOccurrences(of: "/postgres?", with: "/\(name)?")
    }

    /// Runs a PostgreSQL tool with its output in a file (see `BackgroundProcess` for why not Process).
    @discardableResult
    private func run(_ tool: String, _ arguments: [String]) throws -> String {
        let executable = "\(binaries)/\(tool)"
        let argv = runAs.map { ["/usr/sbin/runuser", "-u", $0, "--", executable] + arguments } ?? [executable] + arguments
        let log = "\(directory)/\(tool)-\(UUID().uuidString).out"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let (status, output) = try BackgroundProcess.run(argv, log: log)
        guard status == 0 else { throw Failure.command(tool, status: status, output: output) }
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

    /// A loopback port nothing listens on now, from the kernel.
    public static func freePort() throws -> Int {
        let (socket, port) = try boundSocket()
        close(socket)
        return port
    }

    /// A socket bound to a loopback port the kernel chose, not listening: while it stays open, no
    /// other socket takes the port and a connection to it is refused. The caller closes it.
    public static func boundSocket() throws -> (socket: Int32, port: Int) {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure.command("socket", status: errno, output: "no socket for 127.0.0.1") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard bound else {
            let error = errno
            close(socket)
            throw Failure.command("bind", status: error, output: "no free port on 127.0.0.1")
        }
        return (socket, Int(UInt16(bigEndian: address.sin_port)))
    }
}
