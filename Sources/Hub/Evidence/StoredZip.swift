import Foundation
import GatewayCore

/// A ZIP archive of stored (uncompressed) entries: what an ASiC container needs — `mimetype`
/// first and uncompressed, as ETSI EN 319 162-1 requires, so `file` and any unzip tool know it.
/// Evidence is small and mostly signed text; leaving it uncompressed keeps every byte as it was.
public enum StoredZip {
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let bytes: [UInt8]

        public init(_ name: String, _ bytes: [UInt8]) {
            self.name = name
            self.bytes = bytes
        }
    }

    public static func write(_ entries: [Entry], at time: Date) -> [UInt8] {
        var archive: [UInt8] = []
        var directory: [UInt8] = []
        let (dosTime, dosDate) = dos(time)
        for entry in entries {
            let name = Array(entry.name.utf8)
            let crc = CRC32.checksum(entry.bytes)
            let offset = UInt32(archive.count)
            archive.append(le32: 0x0403_4b50)
            archive.append(le16: 10)
            archive.append(le16: 0x0800) // names in UTF-8
            archive.append(le16: 0) // stored
            archive.append(le16: dosTime)
            archive.append(le16: dosDate)
            archive.append(le32: crc)
            archive.append(le32: UInt32(entry.bytes.count))
            archive.append(le32: UInt32(entry.bytes.count))
            archive.append(le16: UInt16(name.count))
            archive.append(le16: 0)
            archive += name
            archive += entry.bytes

            directory.append(le32: 0x0201_4b50)
            directory.append(le16: 0x031e) // made by Unix, spec 3.0
            directory.append(le16: 10)
            directory.append(le16: 0x0800)
            directory.append(le16: 0)
            directory.append(le16: dosTime)
            directory.append(le16: dosDate)
            directory.append(le32: crc)
            directory.append(le32: UInt32(entry.bytes.count))
            directory.append(le32: UInt32(entry.bytes.count))
            directory.append(le16: UInt16(name.count))
            directory.append(le16: 0)
            directory.append(le16: 0)
            directory.append(le16: 0)
            directory.append(le16: 0)
            directory.append(le32: 0o100644 << 16)
            directory.append(le32: offset)
            directory += name
        }
        let directoryOffset = UInt32(archive.count)
        archive += directory
        archive.append(le32: 0x0605_4b50)
        archive.append(le16: 0)
        archive.append(le16: 0)
        archive.append(le16: UInt16(entries.count))
        archive.append(le16: UInt16(entries.count))
        archive.append(le32: UInt32(directory.count))
        archive.append(le32: directoryOffset)
        archive.append(le16: 0)
        return archive
    }

    /// The entries in the order stored, each checked against its CRC; a compressed entry is
    /// refused (re-zip an extracted container with `zip -0`, or keep the file as exported).
    public static func read(_ archive: [UInt8]) throws(GatewayError) -> [Entry] {
        guard archive.count >= 22, let end = (0...(archive.count - 22)).reversed().prefix(65_557).first(where: { archive.le32($0) == 0x0605_4b50 }) else {
            throw failure("It is not a ZIP archive (no end of central directory).")
        }
        let count = Int(archive.le16(end + 10))
        var cursor = Int(archive.le32(end + 16))
        var entries: [Entry] = []
        for _ in 0..<count {
            guard cursor + 46 <= archive.count, archive.le32(cursor) == 0x0201_4b50 else { throw failure("Its central directory is damaged.") }
            let method = archive.le16(cursor + 10)
            let crc = archive.le32(cursor + 16)
            let size = Int(archive.le32(cursor + 20))
            let nameLength = Int(archive.le16(cursor + 28))
            let extraLength = Int(archive.le16(cursor + 30))
            let commentLength = Int(archive.le16(cursor + 32))
            let local = Int(archive.le32(cursor + 42))
            guard cursor + 46 + nameLength <= archive.count else { throw failure("Its central directory is damaged.") }
            let name = String(decoding: archive[(cursor + 46)..<(cursor + 46 + nameLength)], as: UTF8.self)
            guard method == 0 else { throw failure("Entry \(name) is compressed; the evidence is read as the gateway wrote it, uncompressed.") }
            guard local + 30 <= archive.count, archive.le32(local) == 0x0403_4b50 else { throw failure("Entry \(name) is missing.") }
            let start = local + 30 + Int(archive.le16(local + 26)) + Int(archive.le16(local + 28))
            guard start + size <= archive.count else { throw failure("Entry \(name) is cut short.") }
            let bytes = Array(archive[start..<(start + size)])
            guard CRC32.checksum(bytes) == crc else { throw failure("Entry \(name) is damaged (its CRC differs).") }
            entries.append(Entry(name, bytes))
            cursor += 46 + nameLength + extraLength + commentLength
        }
        return entries
    }

    private static func dos(_ time: Date) -> (UInt16, UInt16) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: time)
        let clock = UInt16((parts.hour ?? 0) << 11 | (parts.minute ?? 0) << 5 | (parts.second ?? 0) / 2)
        let day = UInt16(max((parts.year ?? 1980) - 1980, 0) << 9 | (parts.month ?? 1) << 5 | (parts.day ?? 1))
        return (clock, day)
    }

    private static func failure(_ message: String) -> GatewayError {
        GatewayError(.malformed, "The evidence container cannot be read. \(message)")
    }
}

enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}

private extension Array where Element == UInt8 {
    mutating func append(le16 value: UInt16) {
        append(UInt8(value & 0xFF))
        append(UInt8(value >> 8))
    }

    mutating func append(le32 value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8((value >> UInt32(shift)) & 0xFF)) }
    }

    func le16(_ offset: Int) -> UInt16 {
        guard offset + 2 <= count else { return 0 }
        return UInt16(self[offset]) | UInt16(self[offset + 1]) << 8
    }

    func le32(_ offset: Int) -> UInt32 {
        guard offset + 4 <= count else { return 0 }
        return (0..<4).reduce(UInt32(0)) { $0 | UInt32(self[offset + $1]) << UInt32(8 * $1) }
    }
}
