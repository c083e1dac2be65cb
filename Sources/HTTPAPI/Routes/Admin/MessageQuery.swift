import Foundation
import GatewayCore
import Hummingbird
import HummingbirdCore
import Store

/// The search an operator asks for in a query string (the admin API and the console read the
/// same parameters): `id`, `partner`, `type`, `direction`, `status`, `from`, `to`, `businessKey`,
/// `limit`, `after`.
struct MessageQuery: Sendable {
    static let defaultLimit = 50
    static let maximumLimit = 500

    var filter = MessageFilter()
    var limit = defaultLimit
    var after: String?

    init(filter: MessageFilter = MessageFilter(), limit: Int = defaultLimit, after: String? = nil) {
        self.filter = filter
        self.limit = limit
        self.after = after
    }

    init(_ parameters: [String: String]) throws(GatewayError) {
        func value(_ name: String) -> String? {
            guard let text = parameters[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        filter.id = value("id")
        filter.partner = value("partner")
        filter.messageType = value("type")
        filter.businessKey = value("businessKey")
        if let status = value("status") {
            guard let parsed = MessageStatus(rawValue: status.uppercased()) else {
                let known = MessageStatus.allCases.map(\.rawValue).joined(separator: ", ")
                throw GatewayError(.invalidQuery, "status is one of \(known), not \(status).", path: "status")
            }
            filter.status = parsed
        }
        if let direction = value("direction") {
            guard let parsed = MessageDirection(rawValue: direction) else {
                throw GatewayError(.invalidQuery, "direction is inbound or outbound, not \(direction).", path: "direction")
            }
            filter.direction = parsed
        }
        filter.from = try value("from").map { (text: String) throws(GatewayError) -> Date in try Self.time(text, parameter: "from", endOfDay: false) }
        filter.until = try value("to").map { (text: String) throws(GatewayError) -> Date in try Self.time(text, parameter: "to", endOfDay: true) }
        if let text = value("limit") {
            guard let number = Int(text), (1...Self.maximumLimit).contains(number) else {
                throw GatewayError(.invalidQuery, "limit is a number from 1 to \(Self.maximumLimit), not \(text).", path: "limit")
            }
            limit = number
        }
        after = value("after")
    }

    init(_ uri: URI) throws(GatewayError) {
        var parameters: [String: String] = [:]
        for (name, value) in uri.queryParameters { parameters[String(name)] = String(value) }
        try self.init(parameters)
    }

    /// An ISO 8601 time with its offset, or a day (`2025-03-12`, or `12/03/2025` as officers write
    /// it) taken in Viet Nam time; `to` a day means to the end of it.
    static func time(_ text: String, parameter: String, endOfDay: Bool) throws(GatewayError) -> Date {
        if let instant = try? Date(text, strategy: .iso8601) { return instant }
        let parts = text.split(whereSeparator: { $0 == "-" || $0 == "/" }).map { Int($0) }
        if parts.count == 3, let first = parts[0], let second = parts[1], let third = parts[2] {
            let (year, month, day) = text.contains("/") ? (third, second, first) : (first, second, third)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = VietnamTime.offset
            if (1...12).contains(month), (1...31).contains(day),
               let start = calendar.date(from: DateComponents(year: year, month: month, day: day)) {
                return endOfDay ? start.addingTimeInterval(86_400) : start
            }
        }
        throw GatewayError(.invalidQuery, "\(parameter) is a day (2025-03-12 or 12/03/2025, Viet Nam time) or a time with its offset (2025-03-12T09:00:00+07:00), not \(text).",
                           path: parameter)
    }

    /// The query string of this search from `after` on: the link to the next page.
    func queryString(after next: String?) -> String {
        var items: [(String, String)] = []
        if let id = filter.id { items.append(("id", id)) }
        if let partner = filter.partner { items.append(("partner", partner)) }
        if let type = filter.messageType { items.append(("type", type)) }
        if let direction = filter.direction { items.append(("direction", direction.rawValue)) }
        if let status = filter.status { items.append(("status", status.rawValue)) }
        if let from = filter.from { items.append(("from", VietnamTime.timestamp(from))) }
        if let until = filter.until { items.append(("to", VietnamTime.timestamp(until))) }
        if let key = filter.businessKey { items.append(("businessKey", key)) }
        if limit != Self.defaultLimit { items.append(("limit", String(limit))) }
        if let next { items.append(("after", next)) }
        return items.map { "\($0)=\(FormBody.percentEncoded($1))" }.joined(separator: "&")
    }
}
