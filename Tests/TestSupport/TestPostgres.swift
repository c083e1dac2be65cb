import Foundation
import Synchronization
import LocalPostgres

/// The tests' PostgreSQL: one throwaway server for the whole test process (`LocalPostgres`),
/// started on first use and stopped when the process exits, with a database of its own per test.
public enum TestPostgres {
    public static let shared: Result<LocalPostgres, any Error> = {
        let result = Result { try LocalPostgres.start() }
        if case .success = result {
            atexit { if case .success(let server) = TestPostgres.shared { server.stop() } }
        }
        return result
    }()

    /// A server of the test's own, to stop and restart.
    public static func start() throws -> LocalPostgres { try LocalPostgres.start() }

    /// A new empty database on the shared server, for one test: its connection URL. psql (and,
    /// the first time, initdb and the server's start) run on a thread of their own: waited for
    /// on the cooperative pool, they stalled the connection pools of the tests running beside,
    /// whose stores then could not be opened on a busy machine.
    public static func freshDatabase(_ prefix: String) async throws -> String {
        try await Blocking.run { try shared.get().newDatabase(prefix) }
    }

    /// A statement run with psql on the shared server, off the cooperative pool.
    @discardableResult
    public static func psql(_ sql: String, database: String) async throws -> String {
        try await Blocking.run { try shared.get().psql(sql, database: database) }
    }
}

public enum FreePort {
    /// A port nothing listens on now, for a server the test starts. Taken below the kernel's
    /// ephemeral range: a port from that range, free when asked, could be handed to one of the
    /// test's own outgoing connections (curl's, say) before the server binds it ("Address already
    /// in use", seen in CI). Ports are not reused within the process, and each process starts at
    /// its own place in the window.
    public static func next() -> Int {
        let window = Self.window
        for _ in 0..<window.count {
            let offset = (issued.add(1, ordering: .relaxed).oldValue + start) % window.count
            let port = window.lowerBound + offset
            if isFree(port) { return port }
        }
        return kernelChosen()
    }

    private static let issued = Atomic<Int>(0)
    private static let start = Int(getpid()) * 7919

    /// The 12,000 ports below the ephemeral range (32768–60999 unless configured otherwise).
    private static let window: Range<Int> = {
        let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
        let low = text.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) } ?? 32768
        let upper = max(low, 2048)
        return max(1025, upper - 12_000)..<upper
    }()

    private static func isFree(_ port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    private static func kernelChosen() -> Int {
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
