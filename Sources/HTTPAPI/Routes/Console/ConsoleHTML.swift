import Access
import Foundation
import GatewayCore
import Hummingbird
import NIOCore
import Store

/// The console's HTML: the tracking page's frame and styles, wider tables, every label in
/// Vietnamese and English, times as `dd/MM/yyyy HH:mm` in Viet Nam time.
enum ConsoleHTML {
    static func escape(_ text: String) -> String { TrackingPage.escape(text) }

    static func link(_ text: String) -> String { FormBody.percentEncoded(text) }

    static func page(caller: Caller, session: Session, title: String, notice: String? = nil, body: String,
                     status: HTTPResponse.Status = .ok) -> Response {
        TrackingPage.html(TrackingPage.document("""
            <form class="account" action="/signout" method="post">
            <nav>\(caller.role == .operator ? operatorLinks : "")<a href="/">Tra cứu · Tracking</a></nav>
            <span>\(escape(caller.name)) · \(escape(caller.role.rawValue))</span>
            <input type="hidden" name="csrf" value="\(escape(session.csrf))">
            <button type="submit" class="quiet">Đăng xuất · Sign out</button>
            </form>
            <h1>\(escape(title))</h1>
            \(notice.map { "<p class=\"notice\" id=\"notice\">\(escape($0))</p>" } ?? "")
            \(body)
            """, wide: true), status: status)
    }

    static let operatorLinks = """
        <a href="/console">Đối tác · Partners</a> <a href="/console/messages">Thông điệp · Messages</a> \
        <a href="/console/dead-letters">Thư chết · Dead letters</a>\u{20}
        """

    static func searchForm(_ query: MessageQuery) -> String {
        let filter = query.filter
        func field(_ name: String, _ label: String, _ value: String?, placeholder: String = "") -> String {
            "<label>\(escape(label))<input name=\"\(name)\" id=\"\(name)\" value=\"\(escape(value ?? ""))\" placeholder=\"\(escape(placeholder))\"></label>"
        }
        func choice(_ name: String, _ label: String, _ options: [String], _ value: String?) -> String {
            "<label>\(escape(label))<select name=\"\(name)\" id=\"\(name)\"><option value=\"\">—</option>"
                + options.map { "<option\($0 == value ? " selected" : "")>\(escape($0))</option>" }.joined()
                + "</select></label>"
        }
        return """
            <form class="search" action="/console/messages" method="get">
            \(field("id", "Mã thông điệp · Message id", filter.id))
            \(field("partner", "Đối tác · Partner", filter.partner, placeholder: "mã đối tác · partner id"))
            \(field("type", "Loại · Type", filter.messageType, placeholder: "LicenceDecision"))
            \(choice("direction", "Chiều · Direction", ["inbound", "outbound"], filter.direction?.rawValue))
            \(choice("status", "Trạng thái · Status", MessageStatus.allCases.map(\.rawValue), filter.status?.rawValue))
            \(field("businessKey", "Số hồ sơ · Business key", filter.businessKey, placeholder: "00125/2025/GPNK-BCT"))
            \(field("from", "Từ ngày · From", filter.from.map(VietnamTime.timestamp), placeholder: "12/03/2025"))
            \(field("to", "Đến ngày · To", filter.until.map(VietnamTime.timestamp), placeholder: "12/03/2025"))
            <button type="submit">Tìm · Search</button>
            </form>
            """
    }

    static func results(_ page: MessagePage, query: MessageQuery, session: Session, selectable: Bool) -> String {
        guard !page.messages.isEmpty else {
            return "<p class=\"missing\" id=\"results\">Không có thông điệp nào · No message matches.</p>"
        }
        var html = "<table class=\"lines\" id=\"results\"><thead><tr>\(selectable ? "<th></th>" : "")<th>Thời điểm · Time</th><th>Chiều · Dir.</th>"
            + "<th>Đối tác · Partner</th><th>Loại · Type</th><th>Hồ sơ · Business key</th><th>Trạng thái · Status</th><th>Lần gửi · Attempts</th></tr></thead><tbody>"
        for message in page.messages {
            html += "<tr>"
            if selectable { html += "<td><input type=\"checkbox\" name=\"id\" value=\"\(escape(message.id))\" aria-label=\"\(escape(message.id))\"></td>" }
            html += """
                <td><a href="/messages/\(link(message.id))">\(escape(TrackingPage.shortTime(message.createdAt)))</a></td>\
                <td>\(message.direction == .inbound ? "vào · in" : "ra · out")</td><td>\(escape(message.partner))</td>\
                <td>\(escape(message.messageType))</td><td>\(escape(message.businessKey ?? ""))</td>\
                <td>\(status(message.status))</td>\
                <td>\(message.attempts.map(String.init) ?? "")\(message.lastError.map { "<div class=\"detail\">\(escape($0))</div>" } ?? "")</td></tr>
                """
        }
        html += "</tbody></table>"
        if let next = page.next {
            let path = query.filter.status == .dead && selectable ? "/console/dead-letters" : "/console/messages"
            html += "<p><a id=\"next\" href=\"\(path)?\(escape(query.queryString(after: next)))\">Trang sau · Next page</a></p>"
        }
        return html
    }

    /// A message status as words, coloured by what it means.
    static func status(_ status: MessageStatus) -> String {
        let (words, tone): (String, String) = switch status {
        case .accepted: ("Đã nhận · Accepted", "good")
        case .delivered: ("Đã chuyển · Delivered", "good")
        case .pending: ("Chờ gửi · Waiting", "waiting")
        case .delivering: ("Đang gửi · Being delivered", "waiting")
        case .failed: ("Bị từ chối · Refused by partner", "bad")
        case .dead: ("Thư chết · Dead letter", "bad")
        }
        return "<span class=\"badge \(tone)\" title=\"\(status.rawValue)\">\(escape(words))</span>"
    }

    static func deadLetters(_ page: MessagePage, query: MessageQuery, partners: [String], session: Session) -> String {
        let csrf = "<input type=\"hidden\" name=\"csrf\" value=\"\(escape(session.csrf))\">"
        return """
            <form class="search" action="/console/dead-letters" method="get">
            <label>Đối tác · Partner<select name="partner" id="partner"><option value="">— tất cả · all —</option>\
            \(partners.map { "<option\($0 == query.filter.partner ? " selected" : "")>\(escape($0))</option>" }.joined())</select></label>
            <button type="submit">Lọc · Filter</button>
            </form>
            <form action="/console/replay" method="post" class="replay">
            \(csrf)
            \(results(page, query: query, session: session, selectable: true))
            \(page.messages.isEmpty ? "" : "<button type=\"submit\" id=\"replay-selected\">Gửi lại các thư đã chọn · Replay selected</button>")
            </form>
            \(query.filter.partner.map { partner in """
                <form action="/console/replay" method="post" class="replay">\(csrf)<input type="hidden" name="partner" value="\(escape(partner))">
                <button type="submit" id="replay-partner">Gửi lại mọi thư chết của \(escape(partner)) · Replay all of \(escape(partner))</button></form>
                """ } ?? "")
            """
    }

    static func message(_ message: StoredMessage, outbox: OutboxState?, attempts: [DeliveryAttempt], answers: [AttemptAnswer],
                        produced: [StoredMessage], session: Session, forOperator: Bool) -> String {
        func row(_ label: String, _ value: String) -> String { "<dt>\(escape(label))</dt><dd>\(value)</dd>" }
        var html = "<dl id=\"message\">"
        html += row("Chiều · Direction", message.direction == .inbound ? "vào · inbound" : "ra · outbound")
        html += row("Đối tác · Partner", escape(message.partner))
        html += row("Loại · Type", escape(message.messageType))
        html += row("Khóa gửi lại · Idempotency key", escape(message.idempotencyKey))
        html += row("Hồ sơ · Business key", escape(message.businessKey ?? "—"))
        html += row("Trạng thái · Status", status(message.status))
        html += row("Thời điểm · Time", escape(TrackingPage.shortTime(message.createdAt)))
        html += row("Ký bởi · Signed by", escape(message.signer ?? "—"))
        html += row("SHA-256", "<code>\(escape(message.digest))</code>")
        html += row("Nội dung · Bytes", forOperator
            ? "<a id=\"download\" href=\"/v1/admin/messages/\(link(message.id))/body\" download>\(message.body.count) bytes · \(escape(message.contentType))</a>"
            : "\(message.body.count) bytes · \(escape(message.contentType))")
        if let cause = message.causedBy { html += row("Do thông điệp · Caused by", "<a href=\"/messages/\(link(cause))\">\(escape(cause))</a>") }
        html += "</dl>"
        if let receipt = message.receipt, message.direction == .inbound {
            html += "<h3>Biên nhận · Receipt</h3><pre>\(escape(String(decoding: receipt.prefix(4096), as: UTF8.self)))</pre>"
        }
        if !produced.isEmpty {
            html += "<h3>Đã tạo · Produced</h3><ul>"
            for item in produced {
                html += "<li><a href=\"/messages/\(link(item.id))\">\(escape(item.messageType))</a> → \(escape(item.partner)) \(status(item.status))</li>"
            }
            html += "</ul>"
        }
        if message.direction == .outbound {
            html += "<h3>Các lần gửi · Attempts</h3>"
            if attempts.isEmpty { html += "<p>Chưa gửi lần nào · Not attempted yet.</p>" }
            html += "<ol class=\"timeline\" id=\"attempts\">"
            for attempt in attempts {
                let answer = answers.first { $0.attempt == attempt.attempt }?.response
                html += """
                    <li><time>\(escape(TrackingPage.shortTime(attempt.startedAt)))</time> <strong>\(escape(attempt.outcome))</strong>\
                    \(attempt.httpStatus.map { " HTTP \($0)" } ?? "") · \(attempt.durationMilliseconds) ms\
                    \(attempt.error.map { "<div class=\"detail\">\(escape($0))</div>" } ?? "")\
                    \(answer.map { !forOperator ? "" : "<details><summary>Trả lời · Answer (\($0.count) bytes) <a href=\"/v1/admin/messages/\(link(message.id))/answers/\(attempt.attempt)\" download>tải · download</a></summary><pre>\(escape(String(decoding: $0.prefix(4096), as: UTF8.self)))</pre></details>" } ?? "")</li>
                    """
            }
            html += "</ol>"
            if forOperator, outbox == .dead || outbox == .failed {
                html += """
                    <form action="/console/replay" method="post"><input type="hidden" name="csrf" value="\(escape(session.csrf))">\
                    <input type="hidden" name="id" value="\(escape(message.id))">\
                    <button type="submit" id="replay">Gửi lại · Replay</button></form>
                    """
            }
        }
        return html
    }

    static func health(_ report: PartnerHealth.Report) -> String {
        func days(_ value: Int) -> String {
            "<span class=\"badge \(value < 0 ? "bad" : value < 30 ? "waiting" : "good")\">\(value) ngày · days</span>"
        }
        var html = "<table class=\"lines\" id=\"partners\"><thead><tr><th>Đối tác · Partner</th><th>Tồn · Backlog</th>"
            + "<th>Chờ lâu nhất · Oldest waiting</th><th>Thư chết · Dead letters</th><th>Gửi được gần nhất · Last delivered</th>"
            + "<th>Chứng thư · Certificates</th></tr></thead><tbody>"
        for partner in report.partners {
            let certificates = partner.certificates.map { "<div>\(escape($0.role)) \(escape($0.subject)) \(days($0.daysLeft))</div>" }.joined()
                + partner.revocationLists.map { "<div>CRL \(escape($0.issuer)) \($0.daysLeft.map(days) ?? "")</div>" }.joined()
            html += """
                <tr><td><strong>\(escape(partner.id))</strong><div class="detail">\(escape(partner.name))</div></td>\
                <td>\(partner.backlog)</td><td>\(partner.oldestPendingSeconds.map { "\($0) s" } ?? "—")</td>\
                <td>\(partner.deadLetters == 0 ? "0" : "<a href=\"/console/dead-letters?partner=\(link(partner.id))\">\(partner.deadLetters)</a>")</td>\
                <td>\(escape(partner.lastDelivered.flatMap(TrackingPage.shortTime(iso:)) ?? "—"))</td><td>\(certificates)</td></tr>
                """
        }
        html += "</tbody></table><h3>Chứng thư của cổng · The gateway's certificates</h3><ul>"
        for certificate in report.gateway {
            html += "<li>\(escape(certificate.role)) \(escape(certificate.subject)) \(days(certificate.daysLeft))</li>"
        }
        return html + "</ul>"
    }
}
