import Foundation

/// OpenSSL's own rates on this machine, in the same run (`openssl speed -mr rsa2048 ecdsap256`):
/// what the signature paths are judged against (issue "trust in depth": XML-DSig RSA-2048 sign
/// at least 75% of OpenSSL's raw sign rate, verify with the chain at least 25% of its raw verify
/// rate, P-256 XML sign at least 25% of its raw P-256 sign rate).
struct OpenSSLSpeed {
    let rsaSign: Double
    let rsaVerify: Double
    let ecdsaSign: Double
    let ecdsaVerify: Double

    /// Runs `openssl speed` for `seconds` per operation; nil when it cannot be run or read.
    static func measure(seconds: Int) -> OpenSSLSpeed? {
        let file = NSTemporaryDirectory() + "openssl-speed-\(UUID().uuidString).txt"
        defer { try? FileManager.default.removeItem(atPath: file) }
        guard run(["openssl", "speed", "-seconds", String(max(1, seconds)), "-mr", "rsa2048", "ecdsap256"], output: file),
              let data = FileManager.default.contents(atPath: file) else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        // `+F2:index:bits:signs/s:verifies/s` for RSA, `+F4:…` for ECDSA (OpenSSL 3's -mr lines).
        func rates(_ tag: String) -> (Double, Double)? {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(tag + ":") }) else { return nil }
            let fields = line.split(separator: ":")
            guard fields.count >= 5, let sign = Double(fields[3]), let verify = Double(fields[4]) else { return nil }
            return (sign, verify)
        }
        guard let rsa = rates("+F2"), let ecdsa = rates("+F4") else { return nil }
        return OpenSSLSpeed(rsaSign: rsa.0, rsaVerify: rsa.1, ecdsaSign: ecdsa.0, ecdsaVerify: ecdsa.1)
    }

    /// `openssl speed` times each test with SIGALRM: started with Foundation's Process it inherits
    /// this process's blocked signals and never stops, so it is spawned with an empty signal mask
    /// and default handlers. Whether it ran to a successful end.
    private static func run(_ arguments: [String], output: String) -> Bool {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let cArguments = arguments.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid = pid_t()
        guard posix_spawnp(&pid, arguments[0], &actions, &attributes, cArguments, environ) == 0 else { return false }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return status == 0
    }
}
