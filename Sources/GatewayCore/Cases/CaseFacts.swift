import Foundation

/// A case kind's typed facts, kept as JSON with the case and changed by each message about it.
public protocol CaseFacts: Codable, Sendable, Equatable {}

extension CaseFacts {
    /// The facts as the store keeps them: JSON.
    public func encoded() throws(GatewayError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(self), as: UTF8.self)
        } catch {
            throw GatewayError(.internalError, "The facts of a case cannot be written: \(error)")
        }
    }

    public static func decoded(_ json: String) throws(GatewayError) -> Self {
        do {
            return try JSONDecoder().decode(Self.self, from: Data(json.utf8))
        } catch {
            throw GatewayError(.internalError, "Stored facts of a case cannot be read back as \(Self.self): \(error)")
        }
    }
}
