import Foundation
import Signatures
import Testing
import TestSupport

/// The gateway verifies many messages at once: libxmlsec1, OpenSSL and the shared caches
/// (certificates, chains, JWS headers) must give every task the right answer.
@Suite struct ConcurrentVerificationTests {
    @Test func manyTasksVerifyGoodAndTamperedMessagesAtOnce() async throws {
        let trust = try Fixtures.trust()
        let xml = try Fixtures.signedXML(by: "moit")
        let tamperedXML = try Fixtures.replacingOnce(xml, ">1200<", with: ">1201<")
        let jws = try Fixtures.signedJWS(by: "customs-core", .es256)
        let expiredJWS = try Fixtures.signedJWS(by: "test/expired")
        let outcomes = try await withThrowingTaskGroup(of: [SignatureRefusal.Reason?].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var reasons: [SignatureRefusal.Reason?] = []
                    for _ in 0..<25 {
                        reasons.append(try Fixtures.xmlRefusal(xml, trust: trust)?.reason)
                        reasons.append(try Fixtures.xmlRefusal(tamperedXML, trust: trust)?.reason)
                        reasons.append(try Fixtures.jwsRefusal(jws, trust: trust)?.reason)
                        reasons.append(try Fixtures.jwsRefusal(expiredJWS, trust: trust)?.reason)
                    }
                    return reasons
                }
            }
            return try await group.reduce(into: []) { $0.append(contentsOf: $1) }
        }
        #expect(outcomes.count == 800)
        let expected: [SignatureRefusal.Reason?] = [nil, .digestMismatch, nil, .certificateExpired]
        for (index, outcome) in outcomes.enumerated() {
            #expect(outcome == expected[index % 4])
        }
    }
}
