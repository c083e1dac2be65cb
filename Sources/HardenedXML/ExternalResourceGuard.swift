import CLibXML2
import Synchronization

/// libxml2 would fetch external entities, DTDs and XIncludes through one process-wide loader.
/// The gateway never needs any of them, so the loader refuses every request and counts it;
/// the count lets tests prove that a hostile document did not make the parser reach a file.
public enum ExternalResourceGuard {
    private static let attempts = Atomic<Int>(0)

    /// How many times libxml2 asked to load an external resource since the process started.
    public static var refusedLoads: Int { attempts.load(ordering: .relaxed) }

    /// Initialises libxml2 and installs the refusing loader; idempotent and cheap after the first call.
    public static func install() { _ = installed }

    private static let installed: Void = {
        xmlInitParser()
        xmlSetExternalEntityLoader { _, _, _ in
            ExternalResourceGuard.attempts.add(1, ordering: .relaxed)
            return nil
        }
    }()
}
