import Foundation
import Testing
import TestSupport

/// Slow and half-open clients cannot deny service: their connections are closed once idle, and
/// good traffic is served meanwhile.
@Suite(.serialized) struct SlowClientTests {
    /// A connection that sent the start of a request and then nothing, as a slowloris client does.
    static func halfOpenConnection(to port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        let start = Array("POST /v1/partners/customs-core/messages HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/jose\r\nContent-Length: 100000\r\n\r\neyJhbGciOiJFUzI1NiJ9.".utf8)
        guard connected, send(fd, start, start.count, 0) == start.count else {
            close(fd)
            return nil
        }
        return fd
    }

    @Test func halfOpenConnectionsDoNotDenyGoodTraffic() async throws {
        let moit = try await FakePartner.start(answering: [202])
        defer { moit.stop() }
        let server = try ServeProcess(database: "sqlite:" + temporaryDirectory("slow") + "/gateway.sqlite", moitURL: moit.url,
                                      arguments: ["--idle-timeout", "3"])
        defer { server.signal(SIGTERM) }
        try await server.waitUntilHealthy()

        let wanted = 1000
        let sockets = await Blocking.run { (0..<wanted).compactMap { _ in Self.halfOpenConnection(to: server.port) } }
        let started = ContinuousClock.now
        var answers: [Int] = []
        for index in 0..<20 {
            answers.append(try await server.answer(try ServeProcess.application(index), as: "customs-core").status)
        }
        let goodSeconds = (ContinuousClock.now - started) / .seconds(1)
        // The idle timeout (3 s) closes the half-open ones.
        try await Task.sleep(for: .seconds(5))
        let closed = sockets.filter(Self.isClosedByPeer).count
        for fd in sockets { close(fd) }
        print("half-open connections: \(sockets.count) held open; good traffic \(answers.filter { $0 == 202 }.count) of \(answers.count) accepted in \(String(format: "%.1f", goodSeconds)) s; \(closed) of the half-open closed by the gateway after its idle timeout")
        #expect(sockets.count == wanted)
        #expect(answers.allSatisfy { $0 == 202 }, "\(answers)")
        #expect(closed == sockets.count)
        await server.stop(SIGTERM)
    }

    /// Whether the other end closed the connection: whatever it answered first is read, then the end.
    static func isClosedByPeer(_ fd: Int32) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let read = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if read == 0 { return true }
            if read < 0 { return false }
        }
    }

    /// Sockets the process holds open.
    static func openSockets(of pid: Int32) -> Int {
        let directory = "/proc/\(pid)/fd"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { (try? FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/\($0)"))?.hasPrefix("socket:") == true }.count
    }

    @Test func connectionsPastTheCapWaitAndTheGatewayKeepsItsDescriptors() async throws {
        let moit = try await FakePartner.start(answering: [202])
        defer { moit.stop() }
        let cap = 50
        let server = try ServeProcess(database: "sqlite:" + temporaryDirectory("cap") + "/gateway.sqlite", moitURL: moit.url,
                                      arguments: ["--idle-timeout", "3", "--max-connections", String(cap)])
        defer { server.signal(SIGTERM) }
        try await server.waitUntilHealthy()
        try await Task.sleep(for: .milliseconds(300))
        let before = Self.openSockets(of: server.process.processIdentifier)

        // Past the cap the rest wait in the listen backlog (256 deep), not in the gateway.
        let sockets = await Blocking.run { (0..<80).compactMap { _ in Self.halfOpenConnection(to: server.port) } }
        try await Task.sleep(for: .milliseconds(500))
        let held = Self.openSockets(of: server.process.processIdentifier) - before
        let started = ContinuousClock.now
        let answer = try await server.answer(try ServeProcess.application(0), as: "customs-core")
        let waited = (ContinuousClock.now - started) / .seconds(1)
        for fd in sockets { close(fd) }
        let log = (try? String(contentsOfFile: server.log, encoding: .utf8)) ?? ""
        print("connection cap \(cap): \(sockets.count) half-open clients, \(held) of them held by the gateway; a good message answered \(answer.status) after \(String(format: "%.1f", waited)) s (the idle timeout, 3 s, freed the slots)")
        #expect(sockets.count == 80)
        // One read of the listening socket accepts up to 4 connections (NIO's maxMessagesPerRead),
        // so the last read before the cap may take 3 more.
        #expect(held <= cap + 3, "the gateway held \(held) client sockets")
        #expect(answer.status == 202)
        #expect(log.contains("Connection limit reached: \(cap) connections open"))
        await server.stop(SIGTERM)
    }
}
