import GatewayCore

/// The value conversions partner formats need, named in a spec with `converter:`. The set is
/// deliberately small; each is documented in `MessageSpecs/README.md`.
public enum Converter: Sendable, Hashable {
    /// `map: {document value: record value, …}`, applied in reverse when rendering
    /// (transport mode `1` ↔ `SEA`, permit status `ISSUED` → `ACTIVE`). A `null` record value
    /// means the document value has no counterpart: the field is left absent.
    case map([String: String?])
    /// `startOfDay: "+07:00"`: a date becomes that day's midnight at the offset
    /// (BIDV date-only bookings); a date-time is kept.
    case startOfDay(offset: String)
    /// `parenthesised`: two paths, "first (second)", or the first alone when the second is absent
    /// (MARD "common (scientific)" commodity names).
    case parenthesised

    public static let names = ["map", "startOfDay", "parenthesised"]

    /// Document text → record text when reading.
    func read(_ values: [String?]) -> Result<String?, ConversionFailure> {
        switch self {
        case .map(let table):
            guard let value = values.first ?? nil else { return .success(nil) }
            guard let mapped = table[value] else {
                return .failure(ConversionFailure("\"\(value)\" is not one of \(table.keys.sorted().joined(separator: ", "))"))
            }
            return .success(mapped)
        case .startOfDay(let offset):
            guard let value = values.first ?? nil else { return .success(nil) }
            return .success(value.contains("T") ? value : "\(value)T00:00:00\(offset)")
        case .parenthesised:
            guard let first = values.first ?? nil else { return .success(nil) }
            guard values.count > 1, let second = values[1] else { return .success(first) }
            return .success("\(first) (\(second))")
        }
    }

    /// Record text → document text when rendering; nil when the converter only reads.
    func write(_ value: String) -> Result<String, ConversionFailure>? {
        switch self {
        case .map(let table):
            guard let original = table.first(where: { $0.value == value })?.key else {
                return .failure(ConversionFailure("\"\(value)\" has no counterpart among \(table.values.compactMap { $0 }.sorted().joined(separator: ", "))"))
            }
            return .success(original)
        case .startOfDay, .parenthesised:
            return nil
        }
    }

    /// Whether the converter can be used when rendering a document.
    var isReversible: Bool { if case .map = self { true } else { false } }
}

struct ConversionFailure: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
