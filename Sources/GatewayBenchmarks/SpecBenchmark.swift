import Dispatch
import Foundation
import GatewayCore
import MessageSpecs
import Synchronization

/// Messages per second through the message specs: validate (hardened parse + partner schema +
/// spec rules) + map to the canonical record + render the target partner's document (which the
/// translator validates against the target schema before handing it out).
public struct SpecBenchmark {
    public let specifications: String
    public let seconds: Double
    public let goodsLines: Int

    /// Runs only the cases whose name contains this text.
    public let filter: String?

    public init(specifications: String, seconds: Double, goodsLines: Int = 50, filter: String? = nil) {
        self.specifications = specifications
        self.seconds = seconds
        self.goodsLines = goodsLines
        self.filter = filter
    }

    public func run(report: (String) -> Void) throws {
        let registry = try SpecRegistry(directory: specifications)
        let translator = Translator(registry: registry)
        let samples = BenchmarkDocuments(specifications: specifications)
        let decision = try samples.licenceDecision(goodsLines: goodsLines)
        let application = try registry.read(try samples.importLicenceApplication(goodsLines: goodsLines))
        let payment = try samples.paymentConfirmation()
        let notification = try samples.bankNotification()
        let decisionInputs = Translator.Inputs(context: [application])
        let readDecision = try registry.read(decision)

        let cases: [(name: String, operation: @Sendable () throws -> Void)] = [
            ("LicenceDecision (\(goodsLines) lines, \(decision.count) B) → LicenceRecord", {
                _ = try translator.translate(try registry.read(decision), to: "customs-core/LicenceRecord", inputs: decisionInputs)
            }),
            ("  of which validate + map the LicenceDecision", { _ = try registry.read(decision) }),
            ("  of which derive + render + check the LicenceRecord", {
                _ = try translator.translate(readDecision, to: "customs-core/LicenceRecord", inputs: decisionInputs)
            }),
            ("VCB PaymentConfirmation (\(payment.count) B) → PaymentRecord", {
                _ = try translator.translate(try registry.read(payment), to: "customs-core/PaymentRecord")
            }),
            ("  of which validate + map the PaymentConfirmation", { _ = try registry.read(payment) }),
            ("BIDV camt.054 (\(notification.count) B) → PaymentRecords", {
                _ = try translator.translate(try registry.read(notification), to: "customs-core/PaymentRecord")
            }),
        ]
        let threads = ProcessInfo.processInfo.activeProcessorCount
        report("Each case runs for \(seconds) s on one thread, then on \(threads) threads at once (shared registry and schemas).\n")
        report("".padding(toLength: 62, withPad: " ", startingAt: 0) + "   1 thread msg/s     µs/msg   \(threads) threads msg/s")
        for (name, operation) in cases where filter.map(name.contains) ?? true {
            let single = try Measurement.run(name, for: seconds, operation)
            let parallel = try Measurement.runConcurrently(name, threads: threads, for: seconds, operation)
            report(name.padding(toLength: 62, withPad: " ", startingAt: 0)
                + String(format: "%14.0f %10.1f %16.0f", single.operationsPerSecond, single.microsecondsPerOperation, parallel.operationsPerSecond))
        }
    }
}
