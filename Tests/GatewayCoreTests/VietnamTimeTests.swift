import Foundation
import GatewayCore
import Testing

@Suite struct VietnamTimeTests {
    @Test func timestampsAreVietnamTimeWithTheirOffset() {
        #expect(VietnamTime.timestamp(Date(timeIntervalSince1970: 1_741_764_155)) == "2025-03-12T14:22:35+07:00")
        // 17:00 UTC is already the next day in Viet Nam.
        #expect(VietnamTime.timestamp(Date(timeIntervalSince1970: 1_740_762_000)) == "2025-03-01T00:00:00+07:00")
        #expect(VietnamTime.date(Date(timeIntervalSince1970: 1_740_761_999)) == "2025-02-28")
        #expect(VietnamTime.timestamp(Date(timeIntervalSince1970: 1_709_164_800.75)) == "2024-02-29T07:00:00+07:00")
    }

    @Test func agreesWithFoundationAcrossFourCenturies() {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = VietnamTime.offset
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            let seconds = Double(Int64.random(in: -5_000_000_000...8_000_000_000, using: &generator))
            let date = Date(timeIntervalSince1970: seconds)
            #expect(VietnamTime.timestamp(date) == formatter.string(from: date), "\(seconds)")
        }
    }
}
