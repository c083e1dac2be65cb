import Foundation
import Logging
import Synchronization

/// What the demo prints: each message as it passes (from → to, type, outcome), then timelines.
final class DemoPrinter: Sendable {
    private let lock = Mutex(())
    /// Deliveries seen since the last `flushDeliveries`: printed after the post that caused them.
    private let deliveries = Mutex<[(partner: String, type: String, answer: String)]>([])
    let write: @Sendable (String) -> Void

    init(write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    /// Servers of the demo log warnings only: the demo's own lines tell the story.
    static var quietLogger: Logger {
        var logger = Logger(label: "gateway.demo")
        logger.logLevel = .warning
        return logger
    }

    func line(_ text: String) {
        lock.withLock { _ in write(text) }
    }

    func heading(_ text: String) {
        line("\n== \(text)")
    }

    func post(from partner: String, type: String, answer: String) {
        line("  \(pad(partner, 12)) → gateway       \(pad(type, 28)) \(answer)")
    }

    /// A delivery the simulated partners received: held until its cause is printed.
    func delivery(to partner: String, type: String, answer: String) {
        deliveries.withLock { $0.append((partner, type, answer)) }
    }

    /// Prints the deliveries a post caused, in an order that is the same at every run and keeps
    /// causes first: what went to other partners, then what went back to the sender (the gateway
    /// answers an ASEAN NSW once customs-core took its document), each group by partner and type.
    func flushDeliveries(sender: String) {
        let held = deliveries.withLock { held in defer { held.removeAll() }; return held }
        for delivery in held.sorted(by: { ($0.partner == sender ? 1 : 0, $0.partner, $0.type) < ($1.partner == sender ? 1 : 0, $1.partner, $1.type) }) {
            line("  gateway      → \(pad(delivery.partner, 13)) \(pad(delivery.type, 28)) \(delivery.answer)")
        }
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
