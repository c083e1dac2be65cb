import GatewayCore
import Yams

/// A place in a spec file, so that every inconsistency names its file and line.
struct SpecLocation: Sendable, Hashable, CustomStringConvertible {
    let file: String
    let line: Int

    var description: String { "\(file):\(line)" }

    func error(_ message: String) -> GatewayError {
        GatewayError(.configurationInvalid, "\(self): \(message)", path: description)
    }
}

/// A YAML node of a spec file with typed, checked access.
struct SpecNode {
    let node: Node
    let file: String

    var location: SpecLocation { SpecLocation(file: file, line: (node.mark?.line ?? 0)) }

    static func load(_ text: String, file: String) throws(GatewayError) -> SpecNode {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw SpecLocation(file: file, line: 1).error("the spec is empty")
            }
            return SpecNode(node: node, file: file)
        } catch let error as GatewayError {
            throw error
        } catch {
            throw SpecLocation(file: file, line: 1).error("the spec is not valid YAML: \(error)")
        }
    }

    var members: [(key: String, value: SpecNode)]? {
        guard case .mapping(let mapping) = node else { return nil }
        return mapping.compactMap { key, value in key.string.map { ($0, SpecNode(node: value, file: file)) } }
    }

    var items: [SpecNode]? {
        guard case .sequence(let sequence) = node else { return nil }
        return sequence.map { SpecNode(node: $0, file: file) }
    }

    var scalar: String? {
        guard case .scalar(let scalar) = node else { return nil }
        return scalar.string
    }

    subscript(key: String) -> SpecNode? { members?.first { $0.key == key }?.value }

    func mapping(allowing keys: Set<String>) throws(GatewayError) -> [(key: String, value: SpecNode)] {
        guard let members else { throw location.error("expected a mapping of keys to values") }
        if let unknown = members.first(where: { !keys.contains($0.key) }) {
            throw unknown.value.location.error("unknown key \"\(unknown.key)\" (expected one of \(keys.sorted().joined(separator: ", ")))")
        }
        return members
    }

    func string(_ key: String) throws(GatewayError) -> String {
        guard let value = self[key] else { throw location.error("\"\(key)\" is missing") }
        guard let text = value.scalar, !text.isEmpty else { throw value.location.error("\"\(key)\" must be a text") }
        return text
    }

    func optionalString(_ key: String) throws(GatewayError) -> String? {
        guard let value = self[key] else { return nil }
        guard let text = value.scalar else { throw value.location.error("\"\(key)\" must be a text") }
        return text
    }

    func bool(_ key: String, default fallback: Bool) throws(GatewayError) -> Bool {
        guard let value = self[key] else { return fallback }
        switch value.scalar {
        case "true": return true
        case "false": return false
        default: throw value.location.error("\"\(key)\" must be true or false")
        }
    }

    func strings(_ key: String) throws(GatewayError) -> [String] {
        guard let value = self[key] else { return [] }
        if let single = value.scalar { return [single] }
        guard let items = value.items else { throw value.location.error("\"\(key)\" must be a text or a list of texts") }
        var result: [String] = []
        for item in items {
            guard let text = item.scalar else { throw item.location.error("\"\(key)\" must list texts") }
            result.append(text)
        }
        return result
    }
}
