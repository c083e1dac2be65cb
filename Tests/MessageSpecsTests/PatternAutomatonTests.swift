import Foundation
import GatewayCore
@testable import MessageSpecs
import Testing
import TestSupport

/// The schemas' `pattern`s run as automata: each must decide every value as ICU's search does
/// (but for `$` before a final line break, which JSON Schema's ECMA-262 does not allow).
@Suite struct PatternAutomatonTests {
    /// Every pattern of the partners' JSON Schemas under MessageSpecs/.
    static let partnerPatterns: [String] = {
        var patterns = Set<String>()
        let root = RepositoryPaths.root + "/MessageSpecs"
        for path in FileManager.default.enumerator(atPath: root)?.compactMap({ $0 as? String }) ?? [] where path.hasSuffix(".schema.json") {
            guard let data = FileManager.default.contents(atPath: "\(root)/\(path)"),
                  let document = try? JSONParser().parse(Array(data)) else { continue }
            collect(document, into: &patterns)
        }
        return patterns.sorted()
    }()

    private static func collect(_ value: JSONValue, into patterns: inout Set<String>) {
        switch value {
        case .object(let object):
            for member in object {
                if member.key == "pattern", let text = member.value.stringValue { patterns.insert(text) }
                collect(member.value, into: &patterns)
            }
        case .array(let elements): for element in elements { collect(element, into: &patterns) }
        default: break
        }
    }

    /// Patterns beside the partners', for the constructs they do not use.
    static let constructed = [
        "a|b", "abc", "^ab*c$", "x+y?", "(ab|cd){2,3}$", "^[a-c0-2]{1,}-", "[-a]z", "[a-]z", "\\.\\*", "^$", "$^", "^(a|)$",
        "(x|y)*z", "^([0-9]{2}|[A-Z]{3})(/[0-9]+)?$", "b{0,2}c", "TB-", "[\\]]", "a{3,}",
    ]

    /// Values from the partners' samples and the world's examples, and one-character edits of
    /// each that looks like a code, a number, a date or an id (short, no spaces): the values
    /// patterns are written for, and the near misses that tell two matchers apart.
    static let values: [String] = {
        var values = Set<String>()
        let roots = [RepositoryPaths.root + "/MessageSpecs", RepositoryPaths.root + "/../shared/world"]
        for root in roots {
            for path in FileManager.default.enumerator(atPath: root)?.compactMap({ $0 as? String }) ?? [] where path.hasSuffix(".json") {
                guard let data = FileManager.default.contents(atPath: "\(root)/\(path)"),
                      let document = try? JSONParser().parse(Array(data)) else { continue }
                strings(document, into: &values)
            }
        }
        values.formUnion(["", "a", "b", "ab", "abc", "abbbc", "ac", "xy", "xxy", "abcd", "cdabcd", "abab", "-", "az", "-z", "0-", "c2-",
                          ".*", "]", "bc", "bbbc", "aaa", "aa", "TB-", "12/345", "ABC", "AB", "x", "y", "yz", "z", "é", "aé", "éa"])
        let alphabet = Array("0Z:é")
        var edited = Set<String>()
        for value in values where value.count <= 40 && !value.contains(" ") {
            let characters = Array(value)
            for index in characters.indices {
                var removed = characters
                removed.remove(at: index)
                edited.insert(String(removed))
                // A character replaced by another of a different class (digit, letter, separator, non-ASCII).
                for replacement in alphabet where replacement != characters[index] {
                    var changed = characters
                    changed[index] = replacement
                    edited.insert(String(changed))
                }
            }
            for replacement in alphabet { edited.insert(value + String(replacement)) }
        }
        return values.union(edited).sorted()
    }()

    private static func strings(_ value: JSONValue, into values: inout Set<String>) {
        switch value {
        case .string(let text): values.insert(text)
        case .object(let object): for member in object { strings(member.value, into: &values) }
        case .array(let elements): for element in elements { strings(element, into: &values) }
        default: break
        }
    }

    @Test func everyPartnerPatternBecomesAnAutomaton() {
        #expect(Self.partnerPatterns.count >= 15)
        for pattern in Self.partnerPatterns {
            #expect(PatternAutomaton(pattern) != nil, "\(pattern)")
        }
    }

    @Test func automataDecideAsICUDoes() throws {
        var compared = 0, matched = 0
        for pattern in Self.partnerPatterns + Self.constructed {
            let automaton = try #require(PatternAutomaton(pattern), "\(pattern)")
            let expression = try NSRegularExpression(pattern: pattern)
            for value in Self.values where !value.contains(where: \.isNewline) {
                let icu = expression.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) != nil
                #expect(automaton.matches(value) == icu, "\(pattern) on \(value.debugDescription)")
                compared += 1
                if icu { matched += 1 }
            }
        }
        print("PatternAutomatonTests: \(compared) decisions compared with ICU, \(matched) of them matches, \(Self.values.count) values")
        #expect(matched > 1000)
    }

    @Test func dollarIsTheEndOfTheValue() throws {
        let date = try #require(PatternAutomaton("^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))
        #expect(date.matches("2025-03-01"))
        #expect(!date.matches("2025-03-01\n"))
    }

    @Test func patternsOutsideTheSubsetAreLeftToICU() {
        for pattern in [".", "a.b", "\\d", "\\w+", "[^a]", "(?=a)", "(?:a)", "a*?", "a+?", "a{2}?", "é", "[é]", "\\1", "a{", "a{2,1}", "(a", "a)", "[a", "*", "^*"] {
            #expect(PatternAutomaton(pattern) == nil, "\(pattern)")
        }
    }

    @Test func aPatternTooLargeForAnAutomatonIsLeftToICU() {
        // Each of the 20 positions may be either class for the last 20 characters read: 2^20 states.
        #expect(PatternAutomaton("[ab]*a[ab]{20}") == nil)
    }

    @Test func schemaValidationUsesThePatternEitherWay() throws {
        let schema = try JSONSchema(try JSONParser().parse(Array(#"""
            {"type": "object", "properties": {"code": {"type": "string", "pattern": "^[A-Z]{3}$"}, "free": {"type": "string", "pattern": "^\\d+$"}}}
            """#.utf8)), source: "test")
        #expect(schema.validate(try JSONParser().parse(Array(#"{"code": "VND", "free": "123"}"#.utf8))).isEmpty)
        let errors = schema.validate(try JSONParser().parse(Array(#"{"code": "VNDX", "free": "12a"}"#.utf8)))
        #expect(errors.map(\.path) == ["/code", "/free"])
    }
}
