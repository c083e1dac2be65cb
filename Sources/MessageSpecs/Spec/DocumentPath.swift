/// A place in a partner document. XML: element names separated by `/` (in the message's
/// namespace), optionally ending in `@attribute`; `.` is the context element itself. JSON: member
/// names separated by `/` (a leading `/` is allowed, JSON Pointer style). Paths inside a repeated
/// group are relative to each item. In an XML spec a field path starting with `/` is read from the
/// document element rather than from the record's place (ASW fields taken from the header).
public struct DocumentPath: Hashable, Sendable, CustomStringConvertible {
    public let steps: [String]
    /// The attribute the path ends in (XML only).
    public let attribute: String?
    public let absolute: Bool

    public init(_ text: String) {
        absolute = text.hasPrefix("/")
        var parts = text.split(separator: "/", omittingEmptySubsequences: true).map(String.init).filter { $0 != "." }
        if let last = parts.last, last.hasPrefix("@") {
            attribute = String(last.dropFirst())
            parts.removeLast()
        } else {
            attribute = nil
        }
        steps = parts
    }

    init(steps: [String], attribute: String?, absolute: Bool = false) {
        self.steps = steps
        self.attribute = attribute
        self.absolute = absolute
    }

    public var isEmpty: Bool { steps.isEmpty && attribute == nil }

    public var description: String {
        let elements = (absolute ? "/" : "") + steps.joined(separator: "/")
        guard let attribute else { return elements.isEmpty ? "." : elements }
        return elements.isEmpty ? "@\(attribute)" : "\(elements)/@\(attribute)"
    }

    public func appending(_ other: DocumentPath) -> DocumentPath {
        DocumentPath(steps: steps + other.steps, attribute: other.attribute, absolute: absolute)
    }
}

/// How a field's text is read and written.
public enum FieldType: String, Sendable, CaseIterable {
    case string
    /// A code of a code list (unit, country, status …): text, copied unchanged.
    case code
    case integer
    /// A decimal number: `xs:decimal` in XML, a JSON number; the received text is kept for copies.
    case decimal
    /// A calendar date, `yyyy-mm-dd`.
    case date
    /// A date-time with its offset, kept as received.
    case dateTime = "date-time"
}
