import Foundation
import GatewayCore
@testable import Signatures
import Testing
import TestSupport

/// RFC 3161 requests and tokens against `openssl ts -reply` on loopback: a granted token is
/// checked (signature, imprint, nonce); one about other records, from an untrusted key, or with a
/// changed byte is refused by name.
@Suite struct TimeStampTests {
    static let imprint = Digest.sha256(Array("the audit seals of one round".utf8))

    static func ask(_ authority: TestTimeStampAuthority, imprint: [UInt8] = imprint) async throws -> (response: [UInt8], nonce: String) {
        let request = try TimeStamps.request(imprint: imprint)
        let result = await Blocking.run {
            Command.run("curl", ["-s", "--data-binary", "@-", "-H", "Content-Type: application/timestamp-query", authority.url], input: request.der)
        }
        #expect(result.status == 0, "\(result.standardError)")
        return (result.outputBytes, request.nonce)
    }

    static func trust(_ authority: TestTimeStampAuthority) throws -> [Certificate] {
        try Certificate.certificates(pem: Array(try #require(FileManager.default.contents(atPath: authority.caCertificate))))
    }

    @Test func aGrantedTokenIsCheckedAndDated() async throws {
        let authority = try await TestTimeStampAuthority.start()
        defer { authority.stop() }
        let (response, nonce) = try await Self.ask(authority)
        let token = try TimeStamps.token(fromResponse: response, imprint: Self.imprint, nonce: nonce, trust: try Self.trust(authority))
        #expect(token.authority == "CN=Test TSA tsa")
        #expect(abs(token.time.timeIntervalSinceNow) < 60)
        // Offline, years later: the stored token alone.
        #expect(try TimeStamps.verify(token.der, imprint: Self.imprint, trust: try Self.trust(authority)).time == token.time)
    }

    @Test func aTokenAboutOtherRecordsIsRefused() async throws {
        let authority = try await TestTimeStampAuthority.start()
        defer { authority.stop() }
        let (response, nonce) = try await Self.ask(authority)
        let token = try TimeStamps.token(fromResponse: response, imprint: Self.imprint, nonce: nonce, trust: try Self.trust(authority))
        let other = Digest.sha256(Array("an edited round".utf8))
        #expect(throws: GatewayError.self) { try TimeStamps.verify(token.der, imprint: other, trust: try Self.trust(authority)) }
        let trust = try Self.trust(authority)
        do throws(GatewayError) {
            _ = try TimeStamps.verify(token.der, imprint: other, trust: trust)
        } catch {
            #expect(error.message.contains("speaks of another digest"))
        }
    }

    @Test func aTokenOfAnotherRequestIsRefused() async throws {
        let authority = try await TestTimeStampAuthority.start()
        defer { authority.stop() }
        let (response, _) = try await Self.ask(authority)
        let other = try TimeStamps.request(imprint: Self.imprint).nonce
        let trust = try Self.trust(authority)
        do throws(GatewayError) {
            _ = try TimeStamps.token(fromResponse: response, imprint: Self.imprint, nonce: other, trust: trust)
            Issue.record("a replayed answer was taken")
        } catch {
            #expect(error.message.contains("nonce differs"))
        }
    }

    @Test func aTokenSignedByAnUntrustedKeyIsRefused() async throws {
        let authority = try await TestTimeStampAuthority.start()
        defer { authority.stop() }
        authority.answering(.wrongKey)
        let (response, nonce) = try await Self.ask(authority)
        let trust = try Self.trust(authority)
        do throws(GatewayError) {
            _ = try TimeStamps.token(fromResponse: response, imprint: Self.imprint, nonce: nonce, trust: trust)
            Issue.record("a token of an untrusted authority was taken")
        } catch {
            #expect(error.code == .signatureInvalid && error.message.contains("not signed by a time-stamping authority the gateway trusts"), "\(error.message)")
        }
    }

    @Test func aChangedByteInTheTokenIsRefused() async throws {
        let authority = try await TestTimeStampAuthority.start()
        defer { authority.stop() }
        let (response, nonce) = try await Self.ask(authority)
        var token = try TimeStamps.token(fromResponse: response, imprint: Self.imprint, nonce: nonce, trust: try Self.trust(authority)).der
        // A byte of the signature value, at the token's end.
        token[token.count - 10] ^= 0x01
        #expect(throws: GatewayError.self) { try TimeStamps.verify(token, imprint: Self.imprint, trust: try Self.trust(authority)) }
    }

    @Test func aRefusalOrNoResponseIsNamed() throws {
        do throws(GatewayError) {
            _ = try TimeStamps.token(fromResponse: Array("<html>proxy error</html>".utf8), imprint: Self.imprint, nonce: "01", trust: [])
            Issue.record("garbage was taken")
        } catch {
            #expect(error.message.contains("not an RFC 3161 time-stamp response"))
        }
    }
}
