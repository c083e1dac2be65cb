import ArgumentParser
import MessageSpecs

struct SpecsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "specs",
        abstract: "List the loaded message specs and the translations between them."
    )

    @OptionGroup var specs: SpecsOption

    func run() throws {
        do {
            let registry = try specs.registry()
            let width = registry.specs.map(\.key.count).max() ?? 0
            print("\(registry.specs.count) message specs in \(registry.directory):")
            for spec in registry.specs.sorted(by: { $0.key < $1.key }) {
                let key = spec.key.padding(toLength: width, withPad: " ", startingAt: 0)
                print("  \(key)  v\(spec.version)  \(spec.format.rawValue)  \(spec.direction.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0))  → \(spec.record)")
            }
            print("Translations:")
            for route in Translator(registry: registry).routes {
                print("  \(route.from) → \(route.to)\(route.needs.map { "  (needs \($0))" } ?? "")")
            }
        } catch {
            throw CommandFailure.exit(error)
        }
    }
}
