import Foundation
import GatewayCore
import Logging

/// Warns in the log of every certificate and CRL that runs out within 30 days, at start and once a
/// day after (Domibus warns 60 days ahead by e-mail; here the log collector and the alert rules
/// on `/metrics` carry it).
public struct CertificateWatch: Sendable {
    public static let window: TimeInterval = 30 * 86_400
    let inventory: CertificateInventory
    let clock: any GatewayClock
    let logger: Logger

    public init(inventory: CertificateInventory, clock: any GatewayClock, logger: Logger) {
        self.inventory = inventory
        self.clock = clock
        self.logger = logger
    }

    /// Logs the warnings once; how many there were.
    @discardableResult
    public func check() -> Int {
        let warnings = inventory.warnings(within: Self.window, at: clock.now())
        for warning in warnings { logger.warning("\(warning)") }
        return warnings.count
    }

    /// Checks now and then every `interval` until cancelled.
    public func run(every interval: Duration = .seconds(86_400)) async {
        while !Task.isCancelled {
            check()
            try? await Task.sleep(for: interval)
        }
    }
}
