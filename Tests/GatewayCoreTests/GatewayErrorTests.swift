import Foundation
import GatewayCore
import Testing

@Suite struct GatewayErrorTests {
    @Test func codesCarryTheWorldsHTTPStatuses() {
        #expect(ErrorCode.malformed.httpStatus == 400)
        #expect(ErrorCode.schemaInvalid.httpStatus == 400)
        #expect(ErrorCode.signatureInvalid.httpStatus == 401)
        #expect(ErrorCode.notAllowed.httpStatus == 403)
        #expect(ErrorCode.messageIdConflict.httpStatus == 409)
        #expect(ErrorCode.tooLarge.httpStatus == 413)
        // Every business code of a partner README is answered with 409.
        #expect(ErrorCode(rawValue: "UNKNOWN_APPLICATION").httpStatus == 409)
        #expect(ErrorCode(rawValue: "SIGNATURE_INVALID") == .signatureInvalid)
    }

    @Test func bodyIsTheWorldsErrorBody() throws {
        let error = GatewayError(.schemaInvalid, "2 errors",
                                 details: [ErrorDetail(path: "/LicenceDecision/LicenceNumber", message: "does not match the pattern")])
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(error.body)) as? [String: Any]
        #expect(json?["error"] as? String == "SCHEMA_INVALID")
        #expect(json?["message"] as? String == "2 errors")
        let details = json?["details"] as? [[String: String]]
        #expect(details == [["path": "/LicenceDecision/LicenceNumber", "message": "does not match the pattern"]])
    }

    @Test func anyErrorHasAGatewayAnswer() {
        struct Unexpected: Error {}
        #expect(Unexpected().asGatewayError.code == .internalError)
        #expect(GatewayError(.tooLarge, "big").asGatewayError.code == .tooLarge)
        #expect(GatewayError(.signatureInvalid, "expired", reason: "CERTIFICATE_EXPIRED").description
                == "SIGNATURE_INVALID (CERTIFICATE_EXPIRED): expired")
    }
}
