import CLibXML2
import Foundation
import Synchronization

/// libxml2 would fetch external entities, DTDs and XIncludes through one process-wide loader.
/// Documents from partners never get anything through it: their DOCTYPE is refused before any
/// load could be asked for. The only files it serves are the gateway's own schemas, in the
/// directories registered with `trust(directory:)`; every other request is refused and counted,
/// so tests can prove that a hostile document did not make the parser reach a file.
public enum ExternalResourceGuard {
    private static let attempts = Atomic<Int>(0)
    private static let trustedDirectories = Mutex<[String]>([])

    /// How many times libxml2 asked to load something outside the trusted directories.
    public static var refusedLoads: Int { attempts.load(ordering: .relaxed) }

    /// Initialises libxml2 and installs the guard; idempotent and cheap after the first call.
    public static func install() { _ = installed }

    /// Lets libxml2 read the files under `directory` (schemas and their includes).
    public static func trust(directory: String) {
        install()
        guard let real = realpath(directory, nil) else { return }
        defer { free(real) }
        let path = String(cString: real)
        trustedDirectories.withLock { if !$0.contains(path) { $0.append(path) } }
    }

    static func isTrusted(_ url: String) -> String? {
        let path = url.hasPrefix("file://") ? String(url.dropFirst("file://".count)) : url
        guard !path.contains("://"), let real = realpath(path, nil) else { return nil }
        defer { free(real) }
        let resolved = String(cString: real)
        let trusted = trustedDirectories.withLock { $0.contains { resolved.hasPrefix($0 + "/") } }
        return trusted ? resolved : nil
    }

    private static let installed: Void = {
        xmlInitParser()
        xmlSetExternalEntityLoader { url, _, context in
            if let url, let path = ExternalResourceGuard.isTrusted(String(cString: url)) {
                return xmlNewInputFromFile(context, path)
            }
            ExternalResourceGuard.attempts.add(1, ordering: .relaxed)
            return nil
        }
    }()
}
