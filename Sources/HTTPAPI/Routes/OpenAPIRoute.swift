import Hummingbird

/// `GET /openapi.json`: the OpenAPI 3.1 document of the JSON routes, as the repository keeps it
/// (`openapi.json`, read at start): what an integration engineer generates a client from.
struct OpenAPIRoute {
    let document: [UInt8]

    func register(on router: some RouterMethods<GatewayRequestContext>) {
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: document)))
        }
    }
}
