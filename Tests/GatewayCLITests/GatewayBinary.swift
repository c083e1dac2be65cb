import Foundation
import TestSupport

/// The `gateway` executable of the same build as the tests.
enum GatewayBinary {
    static let path: String = {
        // The test bundle sits next to the products of the same build.
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = bundle.deletingLastPathComponent()
        if directory.path.hasSuffix(".xctest/Contents/MacOS") {
            directory = directory.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        }
        return directory.appendingPathComponent("gateway").path
    }()

    static let specs = RepositoryPaths.root + "/MessageSpecs"

    static func sample(_ path: String) -> String { "\(specs)/\(path)" }
}
