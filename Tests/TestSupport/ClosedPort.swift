import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A port on 127.0.0.1 where nothing listens, held for the test: a connection to it is refused at
/// once, every time. A port merely closed again can be taken by another test's server running
/// alongside (or be a client socket's own port), which then answers late or never.
public final class ClosedPort: Sendable {
    private let socket: Int32
    public let port: Int

    public init() throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard socket >= 0, bound else {
            if socket >= 0 { close(socket) }
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "no port to hold on 127.0.0.1 (errno \(errno))"])
        }
        self.socket = socket
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    public var url: String { "http://127.0.0.1:\(port)/inbound" }

    deinit { close(socket) }
}
