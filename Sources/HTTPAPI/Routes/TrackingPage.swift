import Access
import Foundation
import GatewayCore
import Hub
import Hummingbird

/// The page an officer or a trader opens: a number typed in (licence, application, declaration,
/// certificate, bank transaction), its status and timeline. Rendered on the server, readable on
/// a phone, UTF-8 throughout so Vietnamese names show as written.
/// Only signed-in officers and operators see cases; anyone else gets the sign-in form.
struct TrackingPage {
    let tracking: CaseTracking
    let access: AccessControl

    func register(on router: some RouterMethods<GatewayRequestContext>) {
        router.get("/") { request, _ -> Response in
            guard let (caller, session) = access.sessionCaller(request) else { return SignInRoutes.form(status: .ok) }
            return Self.html(Self.page(query: "", body: Self.introduction, caller: caller, session: session))
        }
        router.get("track") { request, context -> Response in
            guard let (caller, session) = access.sessionCaller(request) else { return SignInRoutes.form(status: .unauthorized) }
            let query = (request.uri.queryParameters.get("q") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let page = { (body: String) in Self.page(query: query, body: body, caller: caller, session: session) }
            guard !query.isEmpty else { return Self.html(page(Self.introduction)) }
            if let wait = access.perCredential.wait(for: caller.name) {
                var response = Self.html(page("<p class=\"missing\" id=\"result\">Quá nhiều tra cứu · Too many searches: try again in \(wait) s.</p>"),
                                         status: .tooManyRequests)
                response.headers[.retryAfter] = String(wait)
                return response
            }
            do {
                guard let found = try await tracking.search(query) else {
                    return Self.html(page("""
                        <p class="missing" id="result">Không tìm thấy hồ sơ <strong>\(Self.escape(query))</strong>. \
                        The gateway knows no licence, application, declaration, certificate or payment with this number.</p>
                        """), status: .notFound)
                }
                return Self.html(page(Self.card(found)))
            } catch {
                let failure = error.asGatewayError.answered { incident, error in context.logger.error("Incident \(incident): \(error)") }
                return Self.html(page("<p class=\"missing\" id=\"result\">\(Self.escape(failure.message))</p>"),
                                 status: .init(code: failure.code.httpStatus))
            }
        }
    }

    static func name(_ kind: TrackedKind) -> String {
        switch kind {
        case .licence: "Giấy phép · Licence"
        case .of(.application): "Hồ sơ cấp phép · Licence application"
        case .of(.permit): "Giấy phép KDTV · Phytosanitary permit"
        case .of(.payment): "Nộp thuế · Tax payment"
        case .of(.taxNotice): "Thông báo thuế · Tax notice"
        case .of(.certificate): "C/O mẫu D · Certificate of origin"
        case .of(.exportDeclaration): "Tờ khai xuất khẩu ASEAN · ASEAN export declaration"
        }
    }

    static let introduction = """
        <p id="result">Nhập số giấy phép, số hồ sơ, số tờ khai, số C/O hoặc mã giao dịch ngân hàng. \
        Type a licence, application, declaration or certificate number, or a bank transaction reference.</p>
        """

    /// What a case without a status yet shows (an outbound certificate before the partner NSW answered).
    static let noStatus = "— chưa có · none yet"

    static func card(_ found: CaseTracking.TrackedCase) -> String {
        var html = """
            <section id="result" class="case">
              <p class="kind">\(escape(name(found.kind)))</p>
              <h2>\(escape(found.key))</h2>
              <p class="status">Trạng thái · Status: <span id="status">\(status(found.status))</span></p>
            """
        html += facts(found.facts)
        if !found.related.isEmpty {
            html += "<p class=\"related\">"
            for reference in found.related {
                html += "<a href=\"/track?q=\(escape(reference.key.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? reference.key))\">\(escape(name(reference.kind))) \(escape(reference.key))</a> "
            }
            html += "</p>"
        }
        html += "<h3>Diễn biến · Timeline</h3><ol class=\"timeline\">"
        for event in found.events {
            html += """
                <li class="\(tone(event.status))"><time datetime="\(VietnamTime.timestamp(event.at))">\(escape(shortTime(event.at)))</time> \(status(event.status)) \
                <span class="event">\(escape(eventWords[event.event] ?? event.event))</span> — \(escape(event.partner))\
                \(event.detail.map { "<div class=\"detail\">\(escape($0))</div>" } ?? "")\
                \(event.signer.map { "<div class=\"signer\">Ký bởi · Signed by \(escape($0))</div>" } ?? "")\
                \(event.messageId.map { "<div class=\"message\"><a href=\"/messages/\(escape($0))\">Thông điệp · Message \(escape($0))</a></div>" } ?? "")</li>
                """
        }
        return html + "</ol></section>"
    }

    static func page(query: String, body: String, caller: Caller, session: Session) -> String {
        document("""
        <form class="account" action="/signout" method="post">
        \(caller.role == .operator ? "<nav>\(ConsoleHTML.operatorLinks)</nav>" : "")
        <span>\(escape(caller.name)) · \(escape(caller.role.rawValue))</span>
        <input type="hidden" name="csrf" value="\(escape(session.csrf))">
        <button type="submit" class="quiet">Đăng xuất · Sign out</button>
        </form>
        <h1>Tra cứu hồ sơ · Track a case</h1>
        <form action="/track" method="get">
        <input type="search" name="q" id="q" value="\(escape(query))" placeholder="00125/2025/GPNK-BCT, IA-2025-000418, 106234567890 …" aria-label="Số cần tra cứu · Number">
        <button type="submit">Tra cứu · Track</button>
        </form>
        \(body)
        """)
    }

    /// A case status in words, in Vietnamese and English, coloured by what it means for the
    /// goods: refused, revoked, expired and used up apart from accepted and in force.
    static func status(_ status: CaseStatus?) -> String {
        guard let status else { return "<span class=\"badge waiting\">\(escape(noStatus))</span>" }
        return "<span class=\"badge \(tone(status))\" title=\"\(status.rawValue)\">\(escape(statusWords[status] ?? status.rawValue))</span>"
    }

    static let statusWords: [CaseStatus: String] = [
        .applied: "Đã nộp hồ sơ · Applied", .supplementRequired: "Cần bổ sung · Supplement required", .approved: "Đã cấp · Approved",
        .rejected: "Bị từ chối · Refused", .deliveredToCustoms: "Đã chuyển hải quan · Sent to customs", .inUse: "Đang sử dụng · In use",
        .exhausted: "Đã dùng hết · Used up", .expired: "Hết hiệu lực · Expired", .revoked: "Đã thu hồi · Revoked",
        .forwarded: "Đã chuyển đối tác · Forwarded", .partnerAccepted: "Đối tác chấp nhận · Accepted by partner",
        .partnerRejected: "Đối tác từ chối · Refused by partner", .notRoutable: "Không chuyển được · Not routable",
        .open: "Chưa nộp · Unpaid", .settled: "Đã nộp đủ · Settled", .received: "Đã nhận · Received", .accepted: "Đã chấp nhận · Accepted",
    ]

    /// A timeline line's event in words; one the table does not know shows as it is stored.
    static let eventWords = [
        "received": "nhận hồ sơ · received", "applied": "chuyển bộ · sent to the ministry", "decision": "quyết định · decision",
        "issued": "cấp phép · issued", "delivered-to-customs": "chuyển hải quan · sent to customs", "used": "sử dụng · used",
        "in-use": "sử dụng · in use", "exhausted": "dùng hết · used up", "amended": "sửa đổi · amended", "revoked": "thu hồi · revoked",
        "expired": "hết hiệu lực · expired", "refused": "từ chối · refused", "rejected": "từ chối · rejected", "accepted": "chấp nhận · accepted",
        "settled": "nộp đủ · settled", "matched": "khớp thông báo thuế · matched to the tax notice", "forwarded": "chuyển đối tác · forwarded",
        "partner_accepted": "đối tác chấp nhận · accepted by the partner", "partner_rejected": "đối tác từ chối · refused by the partner",
        "not-routable": "không chuyển được · not routable", "quarantine-result": "kết quả kiểm dịch · quarantine result",
    ]

    /// `good` (in force, paid, accepted), `bad` (refused, revoked, expired, used up) or `waiting`.
    static func tone(_ status: CaseStatus?) -> String {
        switch status {
        case .approved, .deliveredToCustoms, .inUse, .partnerAccepted, .settled, .accepted: "good"
        case .rejected, .revoked, .expired, .exhausted, .partnerRejected, .notRoutable: "bad"
        default: "waiting"
        }
    }

    /// `dd/MM/yyyy HH:mm` in Viet Nam time, as officers write it.
    static func shortTime(_ date: Date) -> String {
        shortTime(iso: VietnamTime.timestamp(date)) ?? VietnamTime.timestamp(date)
    }

    /// The same from the gateway's own timestamps (`2025-03-12T09:05:00+07:00`).
    static func shortTime(iso text: String) -> String? {
        let characters = Array(text)
        guard characters.count >= 16, characters[4] == "-", characters[10] == "T" else { return nil }
        let part = { (range: Range<Int>) in String(characters[range]) }
        return "\(part(8..<10))/\(part(5..<7))/\(part(0..<4)) \(part(11..<16))"
    }

    /// The page around `body`: the styles, readable on a phone; `wide` for the console's tables.
    static func document(_ body: String, wide: Bool = false) -> String {
        """
        <!doctype html>
        <html lang="vi">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Cổng một cửa quốc gia · Single Window Gateway</title>
        <style>
        body { font-family: system-ui, "Noto Sans", sans-serif; margin: 0; padding: 1rem; max-width: \(wide ? "80rem" : "48rem"); margin-inline: auto; color: #1b1b1b; }
        h1 { font-size: 1.3rem; margin: 0 0 1rem; }
        form { display: flex; gap: .5rem; flex-wrap: wrap; }
        input[type=search] { flex: 1 1 14rem; font-size: 1rem; padding: .6rem; border: 1px solid #888; border-radius: .3rem; }
        button { font-size: 1rem; padding: .6rem 1rem; border: 0; border-radius: .3rem; background: #0b5394; color: white; }
        form.account { justify-content: flex-end; align-items: center; font-size: .9rem; color: #555; margin-bottom: .5rem; }
        button.quiet { background: none; color: #0b5394; padding: .2rem .4rem; font-size: .9rem; }
        form.signin { flex-direction: column; max-width: 22rem; }
        form.signin input { font-size: 1rem; padding: .6rem; border: 1px solid #888; border-radius: .3rem; }
        .case { margin-top: 1.2rem; border-top: 3px solid #0b5394; padding-top: .6rem; }
        .kind { color: #555; margin: 0; }
        h2 { margin: .2rem 0; word-break: break-word; }
        .badge { padding: .1rem .4rem; border-radius: .3rem; font-weight: 600; white-space: nowrap; }
        .badge.good { background: #dff3e4; color: #14532d; } .badge.bad { background: #fde2e1; color: #8a1c1c; } .badge.waiting { background: #fff4d6; color: #6b4e00; }
        ol.timeline li.bad { border-left-color: #c0392b; } ol.timeline li.good { border-left-color: #2e7d32; }
        nav { margin-right: auto; display: flex; gap: .8rem; flex-wrap: wrap; }
        form.search { align-items: flex-end; margin-bottom: 1rem; }
        form.search label { display: flex; flex-direction: column; font-size: .85rem; color: #444; }
        form.search input, form.search select { font-size: .95rem; padding: .4rem; border: 1px solid #888; border-radius: .3rem; }
        form.replay { flex-direction: column; align-items: flex-start; }
        .notice { background: #e8f0fe; padding: .5rem; border-radius: .3rem; }
        code { word-break: break-all; }
        pre { white-space: pre-wrap; word-break: break-all; font-size: .8rem; background: #f5f5f5; padding: .5rem; max-height: 20rem; overflow: auto; }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem .8rem; }
        dt { font-weight: 600; } dd { margin: 0; }
        ol.timeline { list-style: none; padding: 0; }
        ol.timeline li { border-left: 3px solid #9bb7d4; padding: .3rem .6rem; margin-bottom: .5rem; }
        time { color: #555; font-variant-numeric: tabular-nums; }
        .detail, .signer, .message { font-size: .9rem; color: #333; word-break: break-word; }
        .missing { color: #8a1c1c; }
        table.lines { border-collapse: collapse; width: 100%; font-size: .9rem; margin: .6rem 0; }
        table.lines th, table.lines td { border-bottom: 1px solid #ddd; padding: .25rem .3rem; text-align: left; vertical-align: top; }
        @media (max-width: 30rem) { dl { grid-template-columns: 1fr; } table.lines th:nth-child(2), table.lines td:nth-child(2) { display: none; } }
        </style>
        </head>
        <body>
        \(body)
        </body>
        </html>
        """
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    static func html(_ page: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
    }
}
