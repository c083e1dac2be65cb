import Foundation
import LocalPostgres
import Testing
import TestSupport

/// `gateway demo --once` from the repository: the world's example chain through all four flows
/// over real HTTP, each message printed, and the timelines a person reads at the end.
@Suite struct DemoCommandTests {
    @Test func theDemoPlaysTheExampleChainThroughAllFourFlows() throws {
        let directory = temporaryDirectory("demo")
        let (status, output) = try BackgroundProcess.run(
            [GatewayBinary.path, "demo", "--once", "--port", String(FreePort.next()), "--database", "sqlite:" + directory + "/demo.sqlite",
             "--root", RepositoryPaths.root],
            log: directory + "/demo.log")
        #expect(status == 0, "\(output.suffix(3000))")
        for line in [
            "customs-core → gateway       ImportApplication-01.json    202 Accepted (signed receipt)",
            "gateway      → moit          ImportLicenceApplication     202 Accepted",
            "bank-bidv    → gateway       camt.054-02.xml              202 NotificationResult ACCEPTED, REJECTED UNKNOWN_DECLARATION",
            "asw-sg       → gateway       FORM_D-03-SG-to-VN.xml       202 ACK RECEIVED",
            "gateway      → asw-th        FORM_D                       202 with a signed ACK RECEIVED",
            "licence 00125/2025/GPNK-BCT: REVOKED",
            "application IA-2025-000457: SUPPLEMENT_REQUIRED",
            "payment VCB20250313000112: REJECTED",
            "certificate VN-TH 25/02/00318: PARTNER_ACCEPTED",
            "certificate VN-SG 25/37/00412: PARTNER_REJECTED",
            "certificate SG25-D-0007731: ACCEPTED",
            "licence 2418/2025/BVTV-KDNK: IN_USE",
            "Doanh nghiệp khai báo không trung thực",
        ] {
            #expect(output.contains(line), "\(line) is missing from the demo's output")
        }
        #expect(!output.contains(" 409 ") && !output.contains(" 400 ") && !output.contains(" 401 "), "every message of the chain is accepted")
    }
}
