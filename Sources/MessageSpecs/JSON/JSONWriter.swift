import GatewayCore

/// Writes JSON the way the partners' examples are written: two-space indentation, `"key": value`,
/// UTF-8 kept as is, numbers in their plain JSON form.
public enum JSONWriter {
    public static func pretty(_ value: JSONValue) -> [UInt8] {
        var output: [UInt8] = []
        // A licence record of 50 lines is 10 KB: growing from 4 KB copied it twice.
        output.reserveCapacity(16_384)
        write(value, indent: 0, pretty: true, into: &output)
        output.append(0x0A)
        return output
    }

    public static func compact(_ value: JSONValue) -> [UInt8] {
        var output: [UInt8] = []
        write(value, indent: 0, pretty: false, into: &output)
        return output
    }

    static func write(_ value: JSONValue, indent: Int, pretty: Bool, into output: inout [UInt8]) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let number): writeRaw(number.json, into: &output)
        case .string(let text): writeString(text, into: &output)
        case .array(let elements):
            guard !elements.isEmpty else { output.append(contentsOf: "[]".utf8); return }
            output.append(UInt8(ascii: "["))
            for index in elements.indices {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                newline(indent + 1, pretty: pretty, into: &output)
                write(elements[index], indent: indent + 1, pretty: pretty, into: &output)
            }
            newline(indent, pretty: pretty, into: &output)
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            guard object.count > 0 else { output.append(contentsOf: "{}".utf8); return }
            output.append(UInt8(ascii: "{"))
            let members = object.members
            for index in members.indices {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                newline(indent + 1, pretty: pretty, into: &output)
                writeString(members[index].key, into: &output)
                output.append(UInt8(ascii: ":"))
                if pretty { output.append(UInt8(ascii: " ")) }
                write(members[index].value, indent: indent + 1, pretty: pretty, into: &output)
            }
            newline(indent, pretty: pretty, into: &output)
            output.append(UInt8(ascii: "}"))
        }
    }

    /// A newline and 64 spaces, of which a line takes what its depth needs: appending a repeated
    /// space went through the generic sequence append (1.6% of deriving and writing a licence
    /// record, `perf record`).
    private static let indentation: [UInt8] = [0x0A] + Array(repeating: UInt8(ascii: " "), count: 64)

    static func newline(_ indent: Int, pretty: Bool, into output: inout [UInt8]) {
        guard pretty else { return }
        let width = 1 + indent * 2
        if width <= indentation.count {
            indentation.withUnsafeBufferPointer { output.append(contentsOf: UnsafeBufferPointer(rebasing: $0[..<width])) }
        } else {
            output.append(0x0A)
            output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * 2))
        }
    }

    /// Text that needs no escape (a number's JSON form).
    private static func writeRaw(_ text: String, into output: inout [UInt8]) {
        if text.utf8.withContiguousStorageIfAvailable({ output.append(contentsOf: $0) }) == nil {
            output.append(contentsOf: text.utf8)
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func writeString(_ text: String, into output: inout [UInt8]) {
        if text.utf8.withContiguousStorageIfAvailable({ writeString(utf8: $0, into: &output) }) == nil {
            var text = text
            text.withUTF8 { writeString(utf8: $0, into: &output) }
        }
    }

    private static func writeString(utf8 bytes: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        // Most texts need no escape: copied whole instead of byte by byte.
        guard bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            output.append(contentsOf: bytes)
            output.append(UInt8(ascii: "\""))
            return
        }
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): output.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                output.append(contentsOf: Array("\\u00".utf8))
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
