import Access
import ArgumentParser
import Delivery
import Foundation
import GatewayCore
import HTTPAPI
import Hub
import Logging
import MessageSpecs
import Metrics
import Prometheus
import Signatures
import Store
import Synchronization

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway: partners POST signed messages to /v1/partners/{partner}/messages.",
        discussion: """
        Loads the message specs and the partner files, opens the store (migrating it) and listens. \
        A missing certificate, an unknown message type or an unreadable trust directory stops the \
        start with the file and the reason.
        """
    )

    @Option(name: .long, help: "The address to listen on; 0.0.0.0 to accept connections from other hosts.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "The port to listen on.")
    var port = 8080

    @OptionGroup var store: DatabaseOptions

    @OptionGroup var keyOptions: KeyOptions

    @Option(name: .long, help: "The partner files directory.")
    var partners = "Partners"

    @Option(name: .long, help: "The message specs directory.")
    var specs = "MessageSpecs"

    @Option(name: .long, help: "The OpenAPI document served at /openapi.json.")
    var openapi = "openapi.json"

    @Option(name: .long, help: "Deliveries in flight to each partner at most (each holds a thread and one HTTP request).")
    var deliveryThreads = 8

    @Option(name: .long, help: "Seconds a connection may send nothing before it is closed (slow or half-open clients).")
    var idleTimeout: Double = 30

    @Option(name: .long, help: "Client connections open at once at most; past it new clients wait until one closes (lowered to fit the open files limit).")
    var maxConnections = 4096

    @Option(name: .long, help: "PostgreSQL connections this instance opens at most (each a server process; a few per database core serve best).")
    var databaseConnections = GatewayStore.defaultConnections

    @Option(name: .long, help: "Seconds a graceful stop (SIGTERM) waits for the deliveries in flight.")
    var stopTimeout: Double = 30

    @Option(name: .long, help: "Seconds a delivery claim lasts unless renewed: after a crash, another instance delivers the claimed messages once it ran out.")
    var deliveryLease: Double = 30

    @Option(name: .long, help: "The gateway's TLS certificate chain (PEM, its certificate first): HTTPS with TLS 1.2 and 1.3 only.")
    var tlsCertificate: String?

    @Option(name: .long, help: "The key of --tls-certificate (PEM; encrypted keys open with GATEWAY_KEY_PASSPHRASE or --key-passphrase-file).")
    var tlsKey: String?

    @Option(name: .long, help: "PEM CAs of the client certificates asked for (mutual TLS); partner files' clientCertificates name whose are whose.")
    var clientCa: String?

    @Flag(name: .long, help: "Serve plain HTTP on an address other than loopback: only behind a proxy that terminates TLS.")
    var allowPlainHttp = false

    @Option(name: .long, help: "The credentials file: who may read messages and cases, run admin routes, sign in to the tracking page. On loopback a missing file is made with demo credentials.")
    var credentials = "var/credentials.yaml"

    @Option(name: .long, help: "The tracking page's session key file (made if missing), unless GATEWAY_SESSION_KEY is set; instances behind one address share it.")
    var sessionKey = "var/session.key"

    @Option(name: .long, help: "Reads per second per credential on the tracking and message routes (bursts of twice as many); an address gets four times as many.")
    var readRate: Double = 20

    @Option(name: .long, help: "The folder of the gateway's own receipt key (key.pem, cert.pem, chain.pem).")
    var receiptKey = "Certificates/demo/gateway"

    @Option(name: .long, help: "The RFC 3161 time-stamping authority the audit seals are time-stamped by (http or https URL); with --tsa-certificate.")
    var tsaUrl: String?

    @Option(name: .long, help: "The time-stamping authority's certificate or its CA (PEM): its tokens must chain to it.")
    var tsaCertificate: String?

    @Option(name: .long, help: "Seconds the gateway goes on taking messages while the time-stamping authority does not answer; then 503 until it does.")
    var tsaGrace: Double = TimeStampAuthority.defaultGrace

    @Option(name: .long, help: "Seconds between two rounds of sealing (and time-stamping) the audit chains.")
    var sealEvery: Double = 60

    @Option(name: .long, help: "text (for a terminal) or json (one object per line, for a log collector).")
    var logFormat = "text"

    @Option(name: .long, help: "trace, debug, info, notice, warning, error or critical (default: LOG_LEVEL, else info).")
    var logLevel: String?

    @Option(name: .long, help: "TEST ENVIRONMENTS ONLY: start the gateway's clock at this time (2025-03-12T09:00:00+07:00) and let it run forward from there.")
    var simulatedTime: String?

    func validate() throws {
        guard GatewayLogging.Format(rawValue: logFormat) != nil else { throw ValidationError("--log-format is text or json, not \(logFormat).") }
        if let level = logLevel ?? ProcessInfo.processInfo.environment["LOG_LEVEL"], Logger.Level(rawValue: level) == nil {
            throw ValidationError("The log level is trace, debug, info, notice, warning, error or critical, not \(level).")
        }
        if (tlsCertificate == nil) != (tlsKey == nil) { throw ValidationError("--tls-certificate and --tls-key go together.") }
        if clientCa != nil, tlsCertificate == nil { throw ValidationError("--client-ca asks for client certificates in the TLS handshake: give --tls-certificate and --tls-key too.") }
        if tlsCertificate == nil, !allowPlainHttp, !Self.isLoopback(host) {
            throw ValidationError("Listening on \(host) without TLS: give --tls-certificate and --tls-key, or --allow-plain-http when a proxy in front terminates TLS.")
        }
        if readRate <= 0 { throw ValidationError("--read-rate must be more than 0.") }
        if (tsaUrl == nil) != (tsaCertificate == nil) { throw ValidationError("--tsa-url and --tsa-certificate go together.") }
        if tsaGrace < 0 || sealEvery <= 0 { throw ValidationError("--tsa-grace must be 0 or more, --seal-every more than 0.") }
        if maxConnections < 1 { throw ValidationError("--max-connections must be at least 1.") }
        if databaseConnections < 1 { throw ValidationError("--database-connections must be at least 1.") }
        if let simulatedTime, SimulatedClock(startingAt: simulatedTime) == nil {
            throw ValidationError("--simulated-time takes an ISO 8601 time with its offset, such as 2025-03-12T09:00:00+07:00, not \(simulatedTime).")
        }
    }

    func run() async throws {
        let level = (logLevel ?? ProcessInfo.processInfo.environment["LOG_LEVEL"]).flatMap(Logger.Level.init(rawValue:)) ?? .info
        GatewayLogging.bootstrap(format: GatewayLogging.Format(rawValue: logFormat) ?? .text, level: level)
        let logger = Logger(label: "gateway")
        let clock: any GatewayClock = simulatedTime.flatMap { SimulatedClock(startingAt: $0) } ?? SystemClock()
        let warning = simulatedTime.map { "The gateway runs on a simulated clock started at \($0): signatures, expiry and timestamps follow it. Not for production." }
        if let warning { logger.warning("\(warning)") }
        let connections = connectionCap(openFiles: Self.raiseDescriptorLimit(logger: logger), logger: logger)
        let metrics = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(GatewayMetricsFactory(registry: metrics))
        let store: GatewayStore
        let access: AccessControl
        var tls: InboundTLS?
        let pipeline: InboundPipeline
        let worker: OutboxWorker
        let certificates: CertificateInventory
        let openAPI: [UInt8]
        let revocation: RevocationCaches
        let keys: [String: String]
        let sealing: AuditSealing
        do {
            let registry = try SpecRegistry(directory: specs)
            openAPI = try Self.openAPIDocument(openapi)
            let environment = try keyOptions.environment()
            let partnerRegistry = try PartnerRegistry(directory: partners, specs: registry, environment: environment)
            revocation = partnerRegistry.revocation
            access = try accessControl(partners: partnerRegistry, secure: tlsCertificate != nil, logger: logger)
            if let tlsCertificate, let tlsKey {
                tls = try InboundTLS(certificateChain: tlsCertificate, key: tlsKey, passphrase: environment[PartnerRegistry.keyPassphraseVariable],
                                     clientCAs: clientCa)
            }
            if clientCa == nil, let partner = partnerRegistry.partners.values.sorted(by: { $0.id < $1.id }).first(where: { $0.clientCertificates != nil }) {
                throw GatewayError(.configurationInvalid, "\(partner.file): \(partner.id) sends over mutual TLS (clientCertificates), but serve has no --client-ca (and --tls-certificate, --tls-key) to ask for client certificates.", path: partner.file)
            }
            store = try await GatewayStore.open(try self.store.location(), connections: databaseConnections)
            let signer = try keyOptions.receiptSigner(folder: receiptKey)
            // Pending deliveries of an earlier run (stopped or killed) resume with the first round.
            let runtime = try FlowRuntime(specs: registry, partners: partnerRegistry, store: store, clock: clock)
            let filled = try await LicenceFactsBackfill(runtime: runtime).run()
            if !filled.isEmpty { logger.info("Filled the case facts of \(filled.count) licences from their history (once, after the upgrade)") }
            let plan = PartnerDeliveryPlan(runtime: runtime)
            let outboxWorker = OutboxWorker(store: store, plan: plan,
                                            threads: DeliveryThreads(count: OutboxWorker.threads(for: plan, perPartner: deliveryThreads)),
                                            clock: clock, perPartner: deliveryThreads, lease: deliveryLease)
            worker = outboxWorker
            pipeline = try InboundPipeline(runtime: runtime, receiptSigner: signer, onQueued: { outboxWorker.wake(partners: $0) })
            certificates = try CertificateInventory(partners: { runtime.partners },
                                                    own: [("receipt-signer", "\(receiptKey)/cert.pem")] + (tlsCertificate.map { [("tls-server", $0)] } ?? []))
            keys = environment
            let authority = try tsaUrl.map { url throws(GatewayError) in
                try TimeStampAuthority(url: url, certificateFile: tsaCertificate ?? "", grace: tsaGrace)
            }
            sealing = AuditSealing(store: store, key: pipeline.receiptKey, clock: clock, authority: authority, evidence: pipeline.evidence)
            if authority == nil { logger.warning("No time-stamping authority (--tsa-url): the audit seals are signed but not time-stamped") }
            logger.info("Loaded \(registry.specs.count) message specs and \(partnerRegistry.partners.count) partners; store \(store.location); memory allocator \(MemoryAllocator.description)")
            logger.info("Tracking page: \(tlsCertificate == nil ? "http" : "https")://\(host):\(port)/ — to watch the four flows run on simulated partners, stop this and run: gateway demo")
        } catch {
            throw CommandFailure.exit(error)
        }
        let server = ServerConfiguration(host: host, port: port, idleTimeout: .milliseconds(Int64(idleTimeout * 1000)), maxConnections: connections,
                                         tls: tls)
        // The receipt key is read first: a folder that does not load leaves partners and key as they were.
        let reload: @Sendable () throws(GatewayError) -> Int = { [pipeline, keyOptions, receiptKey] () throws(GatewayError) in
            let receipts = try keyOptions.receiptSigner(folder: receiptKey)
            let count = try pipeline.reloadPartners(environment: keys).partners.count
            pipeline.receiptKey.replace(with: receipts)
            return count
        }
        let application = try tlsSetUp {
            try GatewayServer.application(server, pipeline: pipeline, access: access,
                                          metrics: metrics, certificates: certificates, openAPI: openAPI,
                                          onReload: reload,
                                          onReplay: { worker.wake() }, warning: warning, logger: logger)
        }
        let delivering = Task { await worker.run() }
        let reloading = Self.reloadOnHangUp(logger: logger, reload)
        let log = logger
        let expiring = Task {
            await LicenceExpiry(runtime: pipeline.runtime).run { error in
                if !Task.isCancelled { log.error("Licence expiry sweep failed: \(error)") }
            }
        }
        let watching = Task { await CertificateWatch(inventory: certificates, clock: clock, logger: logger).run() }
        let revocationThreads = DeliveryThreads(count: 2)
        let refreshing = Task { await RevocationRefresh(caches: revocation, clock: clock, threads: revocationThreads).run() }
        let sealingEveryMinute = Task { [sealEvery] in await sealing.run(every: .milliseconds(Int64(sealEvery * 1000))) }
        var failure: (any Error)?
        do {
            try await application.runService()
        } catch {
            failure = error
        }
        // Deliveries in flight finish and are recorded before the store closes.
        logger.info("Stopping: finishing the deliveries in flight (at most \(Int(stopTimeout)) s)")
        expiring.cancel()
        watching.cancel()
        refreshing.cancel()
        sealingEveryMinute.cancel()
        revocationThreads.stop()
        reloading.cancel()
        delivering.cancel()
        await expiring.value
        // A stop is bounded: what is still in flight then is delivered again by another instance
        // or the next start once its claim runs out (partners know the repeated bytes).
        let finished = await Self.waits(for: delivering, upTo: .seconds(stopTimeout))
        if finished {
            logger.info("Deliveries finished; sealing the audit chains and closing the store")
            do { try await sealing.sealAndStamp() } catch { logger.error("Sealing the audit chains at the stop failed: \(error)") }
            await store.close()
        } else {
            logger.warning("Deliveries still in flight after \(Int(stopTimeout)) s: stopping without them; their claims run out in \(Int(deliveryLease)) s")
        }
        logger.info("Stopped")
        if let failure { throw failure }
    }

    /// SIGHUP reloads the partner files, their trust directories and CRLs, as operators expect of a
    /// daemon; a configuration that does not load is logged with its file and line and changes nothing.
    static func reloadOnHangUp(logger: Logger, _ reload: @escaping @Sendable () throws(GatewayError) -> Int) -> any DispatchSourceSignal {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler {
            do throws(GatewayError) {
                let count = try reload()
                logger.notice("SIGHUP: partner files reloaded, \(count) partners in force")
            } catch {
                logger.error("SIGHUP: the partner files were not reloaded, the ones in force stay: \(error.message)")
            }
        }
        source.resume()
        return source
    }

    /// The OpenAPI document's bytes, once they are known to be JSON.
    static func openAPIDocument(_ file: String) throws(GatewayError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw GatewayError(.configurationInvalid, "The OpenAPI document \(file) cannot be read (the repository's openapi.json; --openapi names another).", path: file)
        }
        guard (try? JSONSerialization.jsonObject(with: data)) is [String: Any] else {
            throw GatewayError(.configurationInvalid, "The OpenAPI document \(file) is not a JSON object.", path: file)
        }
        return Array(data)
    }

    /// What `make` builds, or a start stopped with what TLS could not use.
    private func tlsSetUp<T>(_ make: () throws -> T) throws -> T {
        do {
            return try make()
        } catch {
            throw CommandFailure.exit(GatewayError(.configurationInvalid, "TLS cannot be set up with \(tlsCertificate ?? "") and \(tlsKey ?? ""): \(error)"))
        }
    }

    /// The process environment, with the key passphrase read from `--key-passphrase-file`.
    /// The credentials file, made with demo credentials (printed once) when it is missing and the
    /// gateway listens on loopback only; elsewhere a missing file stops the start.
    private func accessControl(partners: PartnerRegistry, secure: Bool, logger: Logger) throws(GatewayError) -> AccessControl {
        if !FileManager.default.fileExists(atPath: credentials) {
            guard Self.isLoopback(host) else {
                throw GatewayError(.configurationInvalid, "There is no credentials file at \(credentials): a gateway listening on \(host) needs one (gateway credentials add --file \(credentials) …; README \"Access rights\").", path: credentials)
            }
            let issued = try CredentialFile.demo(to: credentials)
            logger.warning("No credentials file: made \(credentials) with demo credentials for this machine; delete it for new ones")
            // Shown once, so written at once (not held in stdout's buffer when it is a file).
            let lines = issued.map { "Demo \($0.role.rawValue) \($0.name): page password \($0.password ?? "-"), API token \($0.token)\n" }
            FileHandle.standardOutput.write(Data(lines.joined().utf8))
        }
        let loaded = try Credentials.load(credentials, partners: Set(partners.partners.keys))
        let key = try CredentialFile.sessionKey(environment: ProcessInfo.processInfo.environment, file: sessionKey)
        logger.info("Credentials: \(loaded.entries.count) from \(credentials)")
        return AccessControl(credentials: loaded, sessionKey: key, readsPerSecond: readRate, secureCookies: secure,
                             partnerOfCertificate: { partners.partner(clientCertificate: $0)?.id })
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Every connection holds a descriptor: the soft limit (often 1,024) is raised to the hard
    /// one, so that many idle clients run out of neither before the idle timeout closes them.
    /// Returns the limit in force.
    private static func raiseDescriptorLimit(logger: Logger) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        guard limit.rlim_cur < limit.rlim_max else { return Int(clamping: limit.rlim_cur) }
        let before = limit.rlim_cur
        limit.rlim_cur = limit.rlim_max
        guard setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return Int(clamping: before) }
        logger.info("Open files limit raised from \(before) to \(limit.rlim_max)")
        return Int(clamping: limit.rlim_max)
    }

    /// Descriptors kept for the store's connections, deliveries, trust files and logs whatever the clients do.
    static let reservedDescriptors = 256

    /// The connection cap the descriptor limit leaves room for.
    private func connectionCap(openFiles: Int, logger: Logger) -> Int {
        let room = max(openFiles - Self.reservedDescriptors, 16)
        guard maxConnections > room else { return maxConnections }
        logger.warning("--max-connections \(maxConnections) lowered to \(room): the open files limit is \(openFiles) and \(Self.reservedDescriptors) are kept for the gateway's own work")
        return room
    }

    /// Whether `task` ended within `limit`; not waiting longer for it either way.
    private static func waits(for task: Task<Void, Never>, upTo limit: Duration) async -> Bool {
        let answer = FirstAnswer()
        return await withCheckedContinuation { continuation in
            answer.wait(continuation)
            Task {
                await task.value
                answer.give(true)
            }
            Task {
                try? await Task.sleep(for: limit)
                answer.give(false)
            }
        }
    }
}

/// The first of several answers to one waiting continuation.
private final class FirstAnswer: Sendable {
    private let waiting = Mutex<CheckedContinuation<Bool, Never>?>(nil)

    func wait(_ continuation: CheckedContinuation<Bool, Never>) { waiting.withLock { $0 = continuation } }

    func give(_ answer: Bool) { waiting.withLock { $0.take() }?.resume(returning: answer) }
}
