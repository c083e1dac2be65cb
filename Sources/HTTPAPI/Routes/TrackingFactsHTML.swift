import Foundation
import GatewayCore
import Hub

/// A case's typed facts on the tracking page: the words in Vietnamese and English, amounts with
/// their currency, the goods lines as a table with what was used of each.
extension TrackingPage {
    static let factLabels = [
        "holder": "Chủ giấy phép · Holder", "taxpayer": "Người nộp thuế · Taxpayer", "bank": "Ngân hàng · Bank",
        "amountDue": "Số tiền phải nộp · Amount due", "amountPaid": "Số tiền đã nộp · Amount paid",
        "issueDate": "Ngày cấp · Issued", "validFrom": "Hiệu lực từ · Valid from", "validUntil": "Hiệu lực đến · Valid until",
        "issuedAt": "Ngày thông báo · Notified", "dueDate": "Hạn nộp · Due", "paidAt": "Thời điểm nộp · Paid at",
        "issuingAuthority": "Cơ quan cấp · Issued by", "licenceType": "Loại giấy phép · Licence type",
        "recordStatus": "Trạng thái bản ghi · Record status", "recordVersion": "Phiên bản · Record version",
        "amendmentNo": "Lần sửa đổi · Amendment", "declarationNumber": "Số tờ khai · Declaration",
        "settledBy": "Thanh toán bởi · Settled by", "taxNoticeNumber": "Số thông báo thuế · Tax notice", "reasonCode": "Lý do · Reason",
        "exporter": "Người xuất khẩu · Exporter", "consignee": "Người nhận hàng · Consignee", "importer": "Người nhập khẩu · Importer",
        "departureDate": "Ngày khởi hành · Departure", "exportDate": "Ngày xuất khẩu · Exported",
        "exportingCountry": "Nước xuất khẩu · Exporting country", "importingCountry": "Nước nhập khẩu · Importing country",
        "nsw": "Cơ chế một cửa đối tác · Partner NSW", "lastAnswer": "Trả lời gần nhất · Last answer",
    ]

    static func facts(_ facts: TrackedFacts) -> String {
        guard !facts.isEmpty else { return "" }
        func row(_ label: String, _ value: String) -> String {
            "<dt>\(escape(factLabels[label] ?? label))</dt><dd>\(escape(value))</dd>"
        }
        var html = "<dl>"
        for party in facts.parties {
            html += row(party.role, [party.name, party.taxCode.map { "MST \($0)" }].compactMap { $0 }.joined(separator: " · "))
        }
        for amount in facts.amounts { html += row(amount.label, "\(grouped(amount.value)) \(amount.currency)") }
        for date in facts.dates { html += row(date.label, shortDate(date.date)) }
        for code in facts.codes { html += row(code.label, code.value) }
        html += "</dl>"
        guard !facts.lines.isEmpty else { return html }
        html += "<table class=\"lines\"><thead><tr><th>Dòng · Line</th><th>HS</th><th>Hàng hóa · Goods</th><th>Số lượng · Quantity</th></tr></thead><tbody>"
        for line in facts.lines {
            let used = switch (line.approved, line.used, line.value) {
            case (let approved?, let used?, _): "Đã dùng \(DecimalNumber(used.value).json)/\(DecimalNumber(approved.value).json) \(approved.unit) · \(DecimalNumber(used.value).json) of \(DecimalNumber(approved.value).json) \(approved.unit) used"
            case (let quantity?, nil, let value?): "\(DecimalNumber(quantity.value).json) \(quantity.unit), \(grouped(value.value)) \(value.currency)"
            case (nil, _, let value?): "\(grouped(value.value)) \(value.currency)"
            default: ""
            }
            html += "<tr><td>\(line.lineNo)</td><td>\(escape(line.hsCode))</td><td>\(escape(line.description))</td><td>\(escape(used))</td></tr>"
        }
        return html + "</tbody></table>"
    }

    /// `31/12/2025` for `2025-12-31`, `12/03/2025 09:05` for a time: as officers write them.
    static func shortDate(_ text: String) -> String {
        if text.count > 10 { return shortTime(iso: text) ?? text }
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4 else { return text }
        return "\(parts[2])/\(parts[1])/\(parts[0])"
    }

    /// `3.412.500.000`: Vietnamese thousands grouping, for amounts a person reads.
    static func grouped(_ value: Decimal) -> String {
        let plain = DecimalNumber(value).json
        let parts = plain.split(separator: ".", maxSplits: 1)
        var digits = String(parts[0])
        let negative = digits.hasPrefix("-")
        if negative { digits.removeFirst() }
        var groups: [String] = []
        while digits.count > 3 {
            groups.insert(String(digits.suffix(3)), at: 0)
            digits.removeLast(3)
        }
        groups.insert(digits, at: 0)
        return (negative ? "-" : "") + groups.joined(separator: ".") + (parts.count > 1 ? ",\(parts[1])" : "")
    }
}
