import Foundation
import GatewayCore
import Hummingbird
import LoopbackServer
import MessageSpecs
import NIOCore
import Signatures
import Synchronization

/// The partners' own servers, in process on 127.0.0.1, answering the gateway's deliveries as
/// their READMEs say: `202` from MOIT, customs-core and Vietcombank, a synchronous `ACK`
/// `RECEIVED` signed with its own demo certificate from an ASEAN NSW. Each delivery is printed.
final class SimulatedPartners: Sendable {
    private let server: LoopbackServer
    var port: Int { server.port }
    /// The Form D MessageIDs each ASEAN NSW received, for its asynchronous ACK.
    private let formDs = Mutex<[String: [String]]>([:])

    static let aseanCountries = ["asw-th": "TH", "asw-sg": "SG"]

    private init(server: LoopbackServer) {
        self.server = server
    }

    func url(of partner: String) -> String { "http://127.0.0.1:\(port)/partners/\(partner)" }

    func formDs(receivedBy partner: String) -> [String] { formDs.withLock { $0[partner] ?? [] } }

    static func start(specs: SpecRegistry, signers: [String: MessageSigner], printer: DemoPrinter) async throws -> SimulatedPartners {
        let holder = Mutex<SimulatedPartners?>(nil)
        let translator = Translator(registry: specs)
        let router = Router()
        router.post("partners/:partner") { request, context -> Response in
            let partner = try context.parameters.require("partner")
            let body = Array(buffer: try await request.body.collect(upTo: 10 * 1024 * 1024))
            let content = (try? UnverifiedPayload.of(String(decoding: body, as: UTF8.self))) ?? body
            let message = try? specs.read(content)
            let type = message?.spec.message ?? "?"
            guard let country = aseanCountries[partner], let message, let signer = signers[partner] else {
                printer.delivery(to: partner, type: type, answer: "202 Accepted")
                return Response(status: .accepted, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: "{}")))
            }
            guard message.spec.message == "FORM_D", let id = message.envelope.messageId,
                  let certificate = try? message.decode(CertificateOfOrigin.self) else {
                printer.delivery(to: partner, type: type, answer: "202 Accepted")
                return Response(status: .accepted)
            }
            holder.withLock { $0 }?.formDs.withLock { $0[partner, default: []].append(id) }
            let ack = try translator.write(Acknowledgement(status: "RECEIVED", documentReference: certificate.certificateNumber), as: "asw/ACK",
                                           envelope: MessageEnvelope(sender: country, receiver: "VN", reference: id))
            printer.delivery(to: partner, type: type, answer: "202 with a signed ACK RECEIVED")
            return Response(status: .accepted, headers: [.contentType: "application/xml; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try signer.sign(ack.bytes))))
        }
        let partners = SimulatedPartners(server: try await LoopbackServer.start(router, logger: DemoPrinter.quietLogger))
        holder.withLock { $0 = partners }
        return partners
    }

    /// Stops the servers gracefully: connections close, nothing is logged as an error.
    func stop() async {
        await server.shutDown()
    }
}
