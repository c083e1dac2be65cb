import Foundation
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

    /// A new empty database on the shared server, for one test: its connection URL.
    public static func freshDatabase(_ prefix: String) throws -> String {
        try shared.get().newDatabase(prefix)
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
