import GatewayCore
import MessageSpecs

/// The media type a partner's messages arrive with (world §1.1): `application/xml` for signed XML
/// documents, `application/jose` for JWS compact serializations. Another type is refused before
/// anything of the body is read.
public enum MediaTypes {
    /// `expected`: the partner's types (`expected(for:specs:)`, found once per partner at start).
    static func check(_ contentType: String, for partner: Partner, expected: Set<String>) throws(GatewayError) {
        let given = mediaType(contentType)
        guard !expected.contains(given) else { return }
        throw GatewayError(.unsupportedMediaType,
                           "\(partner.id) sends \(expected.sorted().joined(separator: " or ")), not \(given.isEmpty ? "a body without Content-Type" : given).",
                           path: "Content-Type")
    }

    /// The type and subtype of a Content-Type, without its parameters and optional whitespace, in lowercase.
    static func mediaType(_ contentType: String) -> String {
        var given = Substring(contentType)
        if let semicolon = given.firstIndex(of: ";") { given = given[..<semicolon] }
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        while let last = given.last, blank(last) { given.removeLast() }
        while let first = given.first, blank(first) { given.removeFirst() }
        let type = String(given)
        return type.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) ? type.lowercased() : type
    }

    static func expected(for partner: Partner, specs: SpecRegistry) -> Set<String> {
        Set(partner.sends.compactMap { specs.spec($0)?.spec.format }.map { format in
            switch format {
            case .xml: "application/xml"
            case .json: "application/jose"
            }
        })
    }

    /// The Content-Type a partner sends a signed message with: an XML document or a JWS (the
    /// simulated partners of the demo, the benchmarks and the tests).
    public static func of(signed body: [UInt8]) -> String {
        body.first == UInt8(ascii: "<") ? "application/xml; charset=utf-8" : "application/jose"
    }
}
