import GatewayCore

/// A case's facts as the store keeps them: compact JSON, decimals as their text (as received, so
/// that a record rebuilt from the facts writes `64800.00` where the partner wrote it). Written and
/// read with the records' own codec: Foundation's encoder and decoder, which build a dictionary
/// per object, cost 5% of the gateway's CPU under load (`perf record` of `bench load`), a facts
/// update being read and written back for every message about a case.
extension CaseFacts {
    public func encoded() throws(GatewayError) -> String {
        do {
            return String(decoding: JSONWriter.compact(try RecordEncoder.encode(self, decimalsAsText: true)), as: UTF8.self)
        } catch {
            throw GatewayError(.internalError, "The facts of a case cannot be written: \(error)")
        }
    }

    public static func decoded(_ json: String) throws(GatewayError) -> Self {
        do {
            return try RecordDecoder.decode(Self.self, from: try JSONParser().parse(Array(json.utf8)))
        } catch {
            throw GatewayError(.internalError, "Stored facts of a case cannot be read back as \(Self.self): \(error)")
        }
    }
}
