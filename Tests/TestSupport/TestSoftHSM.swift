import Foundation

/// A SoftHSM2 token in a temp directory holding copies of demo keys (the gateway's receipt key by
/// default), and for each a key folder naming it: `key.pkcs11` (its URI), `cert.pem`, `chain.pem`.
/// SoftHSM2 finds its tokens through `SOFTHSM2_CONF`, which `environment` sets for a child process.
public struct TestSoftHSM: Sendable {
    public static let module = "/usr/lib/softhsm/libsofthsm2.so"
    public static let pin = "4711-0815"
    public let directory: String
    public let keyFolder: String
    public let uri: String

    public var environment: [String: String] { ["SOFTHSM2_CONF": directory + "/softhsm2.conf"] }

    public struct Failure: Error, CustomStringConvertible { public let description: String }

    public static func make(copying folder: String = RepositoryPaths.root + "/Certificates/demo/gateway", label: String = "receipt") throws -> TestSoftHSM {
        let directory = temporaryDirectory("softhsm")
        try FileManager.default.createDirectory(atPath: directory + "/tokens", withIntermediateDirectories: true)
        write("directories.tokendir = \(directory)/tokens\nobjectstore.backend = file\nlog.level = ERROR\n", to: directory + "/softhsm2.conf")
        let environment = ["SOFTHSM2_CONF": directory + "/softhsm2.conf"]
        let result = Command.run("softhsm2-util", ["--init-token", "--free", "--label", "gateway-test", "--pin", pin, "--so-pin", "12345678"],
                                 environment: environment, in: directory)
        guard result.status == 0 else { throw Failure(description: "softhsm2-util --init-token: \(result.standardError)") }
        let token = TestSoftHSM(directory: directory, keyFolder: directory + "/\(label)", uri: uri(label))
        try token.add(copying: folder, label: label, id: "01")
        return token
    }

    public static func uri(_ label: String) -> String {
        "pkcs11:token=gateway-test;object=\(label);type=private?module-path=\(module)"
    }

    /// Imports `folder`'s key.pem as `label` and makes the key folder `directory/label` naming it.
    public func add(copying folder: String, label: String, id: String) throws {
        func run(_ tool: String, _ arguments: [String]) throws {
            let result = Command.run(tool, arguments, environment: environment, in: directory)
            guard result.status == 0 else { throw Failure(description: "\(tool) \(arguments.joined(separator: " ")): \(result.standardError)") }
        }
        try run("openssl", ["pkcs8", "-topk8", "-nocrypt", "-in", folder + "/key.pem", "-out", "key.pk8"])
        try run("softhsm2-util", ["--import", "key.pk8", "--token", "gateway-test", "--label", label, "--id", id, "--pin", Self.pin])
        try FileManager.default.removeItem(atPath: directory + "/key.pk8")
        let keyFolder = directory + "/" + label
        try FileManager.default.createDirectory(atPath: keyFolder, withIntermediateDirectories: true)
        write(Self.uri(label) + "\n", to: keyFolder + "/key.pkcs11")
        for file in ["cert.pem", "chain.pem"] where FileManager.default.fileExists(atPath: "\(folder)/\(file)") {
            try FileManager.default.copyItem(atPath: "\(folder)/\(file)", toPath: "\(keyFolder)/\(file)")
        }
    }
}
