import HummingbirdCore
import Logging

/// At most this many client connections open at once. Past it the server stops accepting: new
/// clients wait in the kernel's listen backlog until a connection closes (a finished client, or a
/// slow one the idle timeout cut), so a flood of connections cannot take the descriptors the
/// gateway needs for its database, its partners and its trust files. (One read of the listening
/// socket accepts up to 4 connections, so the cap may be passed by 3.)
struct ConnectionCap: AvailableConnectionsDelegate {
    let limit: Int
    let logger: Logger
    private var open = 0

    init(limit: Int, logger: Logger) {
        self.limit = limit
        self.logger = logger
    }

    mutating func connectionOpened() {
        open += 1
        if open == limit {
            logger.warning("Connection limit reached: \(limit) connections open; new clients wait until one closes",
                           metadata: ["connections.open": "\(open)"])
        }
    }

    mutating func connectionClosed() {
        open -= 1
    }

    func isAcceptingNewConnections() -> Bool {
        open < limit
    }
}
