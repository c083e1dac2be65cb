import Foundation

/// The demo PKI, made afresh for this test process by the project's own script
/// (`Certificates/make-demo-pki.sh`), so tests never depend on committed keys or their dates.
public struct TestPKI: Sendable {
    public let directory: String

    public static let shared: TestPKI = {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("gateway-test-pki-\(ProcessInfo.processInfo.processIdentifier)").path
        let result = Command.run(RepositoryPaths.root + "/Certificates/make-demo-pki.sh", [directory])
        precondition(result.status == 0, "make-demo-pki.sh failed: \(result.standardError)")
        return TestPKI(directory: directory)
    }()

    /// A signer of the PKI: a partner (`moit`, `mard`, `bank-vcb`, …), the gateway, or a test
    /// case such as `test/expired`.
    public func signer(_ name: String) -> Signer {
        Signer(key: "\(directory)/\(name)/key.pem", certificate: "\(directory)/\(name)/cert.pem", chain: "\(directory)/\(name)/chain.pem")
    }

    public var vietnamTrust: String { "\(directory)/trust/vn" }
    public var aseanTrust: String { "\(directory)/trust/asean" }
    public var untrustedRoot: String { "\(directory)/test/untrusted-root-ca.pem" }

    public struct Signer: Sendable {
        public let key: String
        public let certificate: String
        public let chain: String
    }
}

public enum RepositoryPaths {
    /// The repository root, found from this file's place in `Tests/TestSupport`.
    public static let root: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }()
}

/// A fresh temporary directory for one test.
public func temporaryDirectory(_ label: String = "test") -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-\(label)-\(UUID().uuidString)").path
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

public func write(_ text: String, to path: String) {
    FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
}

public func write(_ bytes: [UInt8], to path: String) {
    FileManager.default.createFile(atPath: path, contents: Data(bytes))
}

public func read(_ path: String) -> [UInt8] {
    FileManager.default.contents(atPath: path).map(Array.init) ?? []
}
