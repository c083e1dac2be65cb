import Foundation
#if canImport(Glibc)
import Glibc
#endif
import LocalPostgres

/// A port on 127.0.0.1 where nothing listens, held for the test: a connection to it is refused at
/// once, every time. A port merely closed again can be taken by another test's server running
/// alongside (or be a client socket's own port), which then answers late or never.
public final class ClosedPort: Sendable {
    private let socket: Int32
    public let port: Int

    public init() throws {
        (socket, port) = try LocalPostgres.boundSocket()
    }

    public var url: String { "http://127.0.0.1:\(port)/inbound" }

    deinit { close(socket) }
}
