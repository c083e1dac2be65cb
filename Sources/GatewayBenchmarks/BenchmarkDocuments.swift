import Foundation
import GatewayCore

/// The documents the benchmarks sign and verify: the partners' own samples under `MessageSpecs/`.
public struct BenchmarkDocuments {
    public let licenceDecision: [UInt8]
    public let paymentConfirmation: [UInt8]

    /// Reads the samples; the licence decision is grown with approved goods lines to about `size` bytes.
    public init(specifications: String, licenceDecisionSize size: Int = 4096) throws(GatewayError) {
        let decision = try Self.read("\(specifications)/moit/LicenceDecision.v1/samples/LicenceDecision-01.xml")
        paymentConfirmation = Array(try Self.read("\(specifications)/bank-vcb/PaymentConfirmation.v1/samples/PaymentConfirmation-01.json").utf8)
        guard let closing = decision.range(of: "  </ApprovedGoodsLines>") else {
            throw GatewayError(.configurationInvalid, "The LicenceDecision sample has no ApprovedGoodsLines.")
        }
        var lines = ""
        var number = 3
        while decision.utf8.count + lines.utf8.count < size {
            lines += """
                <ApprovedGoodsLine>
                  <LineNo>\(number)</LineNo>
                  <HSCode>7208\(5100 + number)</HSCode>
                  <ApprovedQuantity unit="TNE">\(1200 + number * 15)</ApprovedQuantity>
                </ApprovedGoodsLine>

            """
            number += 1
        }
        licenceDecision = Array(decision.replacingCharacters(in: closing.lowerBound..<closing.lowerBound, with: lines).utf8)
    }

    private static func read(_ path: String) throws(GatewayError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GatewayError(.configurationInvalid, "The sample \(path) cannot be read; run the benchmark from the repository or give --specs.")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
