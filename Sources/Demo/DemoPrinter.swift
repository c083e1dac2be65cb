import Foundation
import Logging
import Synchronization

/// What the demo prints: each message as it passes (from → to, type, outcome), then timelines.
final class DemoPrinter: Sendable {
    private let lock = Mutex(())
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

    func delivery(to partner: String, type: String, answer: String) {
        line("  gateway      → \(pad(partner, 13)) \(pad(type, 28)) \(answer)")
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
