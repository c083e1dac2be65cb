/// A schema `pattern` made of ASCII literals, character classes, groups, alternatives,
/// quantifiers and the anchors `^` and `$`, compiled once into a deterministic automaton over
/// UTF-8 bytes: one table lookup per byte of the value, where NSRegularExpression bridges every
/// value to UTF-16 and runs ICU's backtracking matcher (the share of a record's check the
/// partners' date, code and UUID patterns took). Matching is a search, as JSON Schema's
/// ECMA-262 regular expressions are: the pattern may match anywhere unless anchored, and `$`
/// is the end of the value only (ICU would also let it stand before a final line break).
///
/// A pattern outside that subset (`.`, `\d`, negated classes, lookarounds, non-ASCII text, …)
/// or one whose automaton would grow past `stateLimit` yields nil: the caller keeps
/// NSRegularExpression for it.
struct PatternAutomaton: Sendable {
    static let stateLimit = 512
    static let programLimit = 4096

    /// `transitions[state * 129 + byte]` for the ASCII bytes; column 128 for any other byte.
    private let transitions: [UInt16]
    /// A match ends here: the value matches whatever follows.
    private let matchesNow: [Bool]
    /// A match ends here if the value ends here (the pattern's `$` satisfied).
    private let matchesAtEnd: [Bool]
    /// The empty value matches (`^` and `$` both stand at its one position).
    private let matchesEmpty: Bool

    init?(_ pattern: String) {
        guard var parser = PatternParser(pattern), let tree = parser.parse(),
              let program = PatternProgram(tree), let automaton = Self.determinize(program) else { return nil }
        self = automaton
    }

    private init(transitions: [UInt16], matchesNow: [Bool], matchesAtEnd: [Bool], matchesEmpty: Bool) {
        self.transitions = transitions
        self.matchesNow = matchesNow
        self.matchesAtEnd = matchesAtEnd
        self.matchesEmpty = matchesEmpty
    }

    func matches(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard !bytes.isEmpty else { return matchesEmpty }
            // The table has a row of 129 entries for every state it names: the bounds checks of
            // every byte, which showed in profiles of writing records, can go.
            return transitions.withUnsafeBufferPointer { table in
                matchesNow.withUnsafeBufferPointer { now in
                    var state = 0
                    if now[state] { return true }
                    for byte in bytes {
                        state = Int(table[state * 129 + Int(min(byte, 128))])
                        if now[state] { return true }
                    }
                    return matchesAtEnd[state]
                }
            }
        }
    }

    /// Subset construction. A state is the set of program positions alive after the bytes read
    /// so far, each search start included (a new start is added after every byte).
    private static func determinize(_ program: PatternProgram) -> PatternAutomaton? {
        let restart = program.closure(of: [0], atStart: false)
        var sets: [[Int]] = [program.closure(of: [0], atStart: true)]
        var index: [[Int]: Int] = [sets[0]: 0]
        var transitions: [UInt16] = []
        var position = 0
        while position < sets.count {
            let current = sets[position]
            for byte in 0...128 {
                var next = Set(restart)
                for pc in current {
                    if case .bytes(let set) = program.instructions[pc], byte < 128, set.contains(UInt8(byte)) {
                        next.formUnion(program.closure(of: [pc + 1], atStart: false))
                    }
                }
                let key = next.sorted()
                if let known = index[key] {
                    transitions.append(UInt16(known))
                } else {
                    guard sets.count < stateLimit else { return nil }
                    index[key] = sets.count
                    transitions.append(UInt16(sets.count))
                    sets.append(key)
                }
            }
            position += 1
        }
        let matchesNow = sets.map { $0.contains { program.instructions[$0] == .match } }
        let matchesAtEnd = sets.map { set in
            program.closure(of: set, atStart: false, atEnd: true).contains { program.instructions[$0] == .match }
        }
        let matchesEmpty = program.closure(of: [0], atStart: true, atEnd: true).contains { program.instructions[$0] == .match }
        return PatternAutomaton(transitions: transitions, matchesNow: matchesNow, matchesAtEnd: matchesAtEnd, matchesEmpty: matchesEmpty)
    }
}

/// The set of ASCII bytes a class or literal admits.
struct ASCIISet: Hashable, Sendable {
    private var low: UInt64 = 0
    private var high: UInt64 = 0

    init() {}

    init(_ byte: UInt8) { insert(byte) }

    mutating func insert(_ byte: UInt8) {
        if byte < 64 { low |= 1 << UInt64(byte) } else { high |= 1 << UInt64(byte - 64) }
    }

    func contains(_ byte: UInt8) -> Bool {
        byte < 64 ? low & (1 << UInt64(byte)) != 0 : byte < 128 && high & (1 << UInt64(byte - 64)) != 0
    }
}

/// The pattern's syntax tree.
indirect enum PatternNode {
    case bytes(ASCIISet)
    case start
    case end
    case sequence([PatternNode])
    case alternatives([PatternNode])
    case repeated(PatternNode, minimum: Int, maximum: Int?)
}

/// Reads the supported subset; nil for anything else.
struct PatternParser {
    private let bytes: [UInt8]
    private var position = 0

    init?(_ pattern: String) {
        guard pattern.utf8.allSatisfy({ $0 < 128 }) else { return nil }
        bytes = Array(pattern.utf8)
    }

    mutating func parse() -> PatternNode? {
        guard let node = alternatives(), position == bytes.count else { return nil }
        return node
    }

    private var next: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func alternatives() -> PatternNode? {
        var choices: [PatternNode] = []
        while true {
            guard let choice = sequence() else { return nil }
            choices.append(choice)
            guard next == UInt8(ascii: "|") else { break }
            position += 1
        }
        return choices.count == 1 ? choices[0] : .alternatives(choices)
    }

    private mutating func sequence() -> PatternNode? {
        var items: [PatternNode] = []
        while let byte = next, byte != UInt8(ascii: "|"), byte != UInt8(ascii: ")") {
            guard let atom = atom(), let item = quantified(atom) else { return nil }
            items.append(item)
        }
        return .sequence(items)
    }

    private mutating func atom() -> PatternNode? {
        guard let byte = next else { return nil }
        position += 1
        switch byte {
        case UInt8(ascii: "^"): return .start
        case UInt8(ascii: "$"): return .end
        case UInt8(ascii: "("):
            guard next != UInt8(ascii: "?"), let inner = alternatives(), next == UInt8(ascii: ")") else { return nil }
            position += 1
            return inner
        case UInt8(ascii: "["): return characterClass()
        case UInt8(ascii: "\\"): return escaped().map { .bytes(ASCIISet($0)) }
        default:
            guard !Self.special.contains(byte) else { return nil }
            return .bytes(ASCIISet(byte))
        }
    }

    /// `[...]` of literals and ranges; a negated class would have to admit non-ASCII characters.
    private mutating func characterClass() -> PatternNode? {
        guard next != UInt8(ascii: "^") else { return nil }
        var set = ASCIISet()
        var first = true
        while true {
            guard var low = next else { return nil }
            position += 1
            if low == UInt8(ascii: "]"), !first { return .bytes(set) }
            first = false
            if low == UInt8(ascii: "\\") {
                guard let literal = escaped() else { return nil }
                low = literal
            } else if low == UInt8(ascii: "[") {
                return nil
            }
            if next == UInt8(ascii: "-"), position + 1 < bytes.count, bytes[position + 1] != UInt8(ascii: "]") {
                position += 1
                guard var high = next else { return nil }
                position += 1
                if high == UInt8(ascii: "\\") {
                    guard let literal = escaped() else { return nil }
                    high = literal
                }
                guard low <= high else { return nil }
                for byte in low...high { set.insert(byte) }
            } else {
                set.insert(low)
            }
        }
    }

    /// The character after a backslash when it stands for itself (punctuation only: `\d`, `\w`
    /// and the like differ between ICU and ECMA-262).
    private mutating func escaped() -> UInt8? {
        guard let byte = next, Self.punctuation.contains(byte) else { return nil }
        position += 1
        return byte
    }

    private mutating func quantified(_ atom: PatternNode) -> PatternNode? {
        let bounds: (Int, Int?)
        switch next {
        case UInt8(ascii: "?"): bounds = (0, 1)
        case UInt8(ascii: "*"): bounds = (0, nil)
        case UInt8(ascii: "+"): bounds = (1, nil)
        case UInt8(ascii: "{"):
            position += 1
            guard let minimum = number() else { return nil }
            var maximum: Int? = minimum
            if next == UInt8(ascii: ",") {
                position += 1
                maximum = next == UInt8(ascii: "}") ? nil : number()
                if maximum == nil, next != UInt8(ascii: "}") { return nil }
            }
            guard next == UInt8(ascii: "}"), maximum.map({ $0 >= minimum }) ?? true else { return nil }
            bounds = (minimum, maximum)
        default: return atom
        }
        position += 1
        // A lazy or possessive quantifier, or a quantified anchor: not in the subset.
        if let byte = next, byte == UInt8(ascii: "?") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "*") || byte == UInt8(ascii: "{") { return nil }
        switch atom {
        case .start, .end: return nil
        default: return .repeated(atom, minimum: bounds.0, maximum: bounds.1)
        }
    }

    private mutating func number() -> Int? {
        var value = 0
        var digits = 0
        while let byte = next, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            digits += 1
            position += 1
            guard value <= 1000 else { return nil }
        }
        return digits > 0 ? value : nil
    }

    private static let special = Set("^$()[]{}|\\.*+?".utf8)
    private static let punctuation = Set("^$()[]{}|\\.*+?-/".utf8)
}

/// Thompson's construction: a program whose epsilon moves the automaton follows.
struct PatternProgram {
    enum Instruction: Equatable {
        case bytes(ASCIISet)
        case split(Int, Int)
        case jump(Int)
        case assertStart
        case assertEnd
        case match
    }

    private(set) var instructions: [Instruction] = []

    init?(_ tree: PatternNode) {
        guard emit(tree) else { return nil }
        instructions.append(.match)
    }

    private mutating func emit(_ node: PatternNode) -> Bool {
        guard instructions.count < PatternAutomaton.programLimit else { return false }
        switch node {
        case .bytes(let set): instructions.append(.bytes(set))
        case .start: instructions.append(.assertStart)
        case .end: instructions.append(.assertEnd)
        case .sequence(let items):
            for item in items where !emit(item) { return false }
        case .alternatives(let choices):
            var jumps: [Int] = []
            for (index, choice) in choices.enumerated() {
                if index < choices.count - 1 {
                    let split = instructions.count
                    instructions.append(.split(split + 1, 0))
                    guard emit(choice) else { return false }
                    jumps.append(instructions.count)
                    instructions.append(.jump(0))
                    instructions[split] = .split(split + 1, instructions.count)
                } else {
                    guard emit(choice) else { return false }
                }
            }
            for jump in jumps { instructions[jump] = .jump(instructions.count) }
        case .repeated(let inner, let minimum, let maximum):
            for _ in 0..<minimum where !emit(inner) { return false }
            if let maximum {
                // Each optional copy may end the repetition.
                var splits: [Int] = []
                for _ in minimum..<maximum {
                    splits.append(instructions.count)
                    instructions.append(.split(instructions.count + 1, 0))
                    guard emit(inner) else { return false }
                }
                for split in splits { instructions[split] = .split(split + 1, instructions.count) }
            } else {
                let split = instructions.count
                instructions.append(.split(split + 1, 0))
                guard emit(inner) else { return false }
                instructions.append(.jump(split))
                instructions[split] = .split(split + 1, instructions.count)
            }
        }
        return instructions.count <= PatternAutomaton.programLimit
    }

    /// The positions reachable from `positions` without reading a byte: those that read one,
    /// `match`, and (unless `atEnd`) the `$` assertions, which only the end of the value passes.
    func closure(of positions: [Int], atStart: Bool, atEnd: Bool = false) -> [Int] {
        var seen = Set<Int>()
        var pending = positions
        var result = Set<Int>()
        while let pc = pending.popLast() {
            guard seen.insert(pc).inserted else { continue }
            switch instructions[pc] {
            case .bytes, .match: result.insert(pc)
            case .split(let first, let second): pending.append(contentsOf: [first, second])
            case .jump(let target): pending.append(target)
            case .assertStart: if atStart { pending.append(pc + 1) }
            case .assertEnd: if atEnd { pending.append(pc + 1) } else { result.insert(pc) }
            }
        }
        return result.sorted()
    }
}
