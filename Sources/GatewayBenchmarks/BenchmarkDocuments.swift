import Foundation
import GatewayCore

/// The documents the benchmarks work on: the partners' own samples under `MessageSpecs/`, the
/// licence ones grown with goods lines (lines 3… added after the sample's two, the application's
/// asking for more than the decision grants, so the pair stays consistent).
public struct BenchmarkDocuments {
    public let specifications: String

    public init(specifications: String) {
        self.specifications = specifications
    }

    /// MOIT LicenceDecision-01 grown to about `size` bytes.
    public func licenceDecision(size: Int) throws(GatewayError) -> [UInt8] {
        let sample = try read("moit/LicenceDecision.v1/samples/LicenceDecision-01.xml")
        return try grow(sample, before: "  </ApprovedGoodsLines>", until: { bytes, _ in bytes >= size }, line: Self.approvedLine)
    }

    /// MOIT LicenceDecision-01 with `goodsLines` approved lines.
    public func licenceDecision(goodsLines: Int) throws(GatewayError) -> [UInt8] {
        let sample = try read("moit/LicenceDecision.v1/samples/LicenceDecision-01.xml")
        return try grow(sample, before: "  </ApprovedGoodsLines>", until: { _, lines in lines >= goodsLines }, line: Self.approvedLine)
    }

    /// MOIT ImportLicenceApplication-01 (the decision's application) with `goodsLines` lines.
    public func importLicenceApplication(goodsLines: Int) throws(GatewayError) -> [UInt8] {
        let sample = try read("moit/ImportLicenceApplication.v1/samples/ImportLicenceApplication-01.xml")
        return try grow(sample, before: "  </GoodsLines>", until: { _, lines in lines >= goodsLines }) { number in
            """
                <GoodsLine>
                  <LineNo>\(number)</LineNo>
                  <HSCode>\(Self.hsCode(number))</HSCode>
                  <Description>Thép cán nóng dạng cuộn, không hợp kim, lô \(number)</Description>
                  <Quantity unit="TNE">\(2000 + number * 15)</Quantity>
                  <Value currency="USD">\(600_000 + number * 1000).25</Value>
                  <OriginCountry>JP</OriginCountry>
                </GoodsLine>

            """
        }
    }

    public func paymentConfirmation() throws(GatewayError) -> [UInt8] {
        Array(try read("bank-vcb/PaymentConfirmation.v1/samples/PaymentConfirmation-01.json").utf8)
    }

    public func bankNotification() throws(GatewayError) -> [UInt8] {
        Array(try read("bank-bidv/camt.054.001.08/samples/camt.054-01.xml").utf8)
    }

    private static func hsCode(_ number: Int) -> String { "7208\(5100 + number)" }

    private static func approvedLine(_ number: Int) -> String {
        """
            <ApprovedGoodsLine>
              <LineNo>\(number)</LineNo>
              <HSCode>\(hsCode(number))</HSCode>
              <ApprovedQuantity unit="TNE">\(1200 + number * 15)</ApprovedQuantity>
            </ApprovedGoodsLine>

        """
    }

    /// Adds lines 3, 4, … before `closing` until `done(bytes, lines)` holds; the sample has lines 1 and 2.
    private func grow(_ sample: String, before closing: String, until done: (_ bytes: Int, _ lines: Int) -> Bool,
                      line: (Int) -> String) throws(GatewayError) -> [UInt8] {
        guard let place = sample.range(of: closing) else {
            throw GatewayError(.configurationInvalid, "The sample has no \(closing.trimmingCharacters(in: .whitespaces)) to add goods lines before.")
        }
        var added = ""
        var lines = 2
        while !done(sample.utf8.count + added.utf8.count, lines) {
            lines += 1
            added += line(lines)
        }
        return Array(sample.replacingCharacters(in: place.lowerBound..<place.lowerBound, with: added).utf8)
    }

    private func read(_ path: String) throws(GatewayError) -> String {
        guard let data = FileManager.default.contents(atPath: "\(specifications)/\(path)") else {
            throw GatewayError(.configurationInvalid, "The sample \(specifications)/\(path) cannot be read; run the benchmark from the repository or give --specs.")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
