import HTTPAPI
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct HealthRoutesTests {
    @Test func healthAnswersOK() async throws {
        let application = Application(router: GatewayServer.router())
        try await application.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "{\"status\":\"ok\"}")
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            }
        }
    }
}
