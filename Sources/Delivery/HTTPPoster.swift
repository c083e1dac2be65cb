import CCurl
import Foundation

/// One HTTP/1.1 POST (or GET, for revocation data) with libcurl: the partner's content type, mutual TLS when configured,
/// connect and total timeouts. Blocking: it runs on the delivery threads, never on an event
/// loop or the cooperative pool. Easy handles are kept between posts, and with them their
/// connections: a partner's next message goes over the open (TLS) connection instead of a new
/// handshake.
public struct HTTPPoster: Sendable {
    public struct Request: Sendable {
        public let url: String
        public let contentType: String
        public let body: [UInt8]
        public let clientCertificate: String?
        public let clientKey: String?
        public let clientKeyPassphrase: String?
        public let serverCA: String?
        public let connectTimeout: TimeInterval
        public let totalTimeout: TimeInterval

        public init(url: String, contentType: String, body: [UInt8], clientCertificate: String? = nil, clientKey: String? = nil,
                    clientKeyPassphrase: String? = nil, serverCA: String? = nil, connectTimeout: TimeInterval, totalTimeout: TimeInterval) {
            self.url = url
            self.contentType = contentType
            self.body = body
            self.clientCertificate = clientCertificate
            self.clientKey = clientKey
            self.clientKeyPassphrase = clientKeyPassphrase
            self.serverCA = serverCA
            self.connectTimeout = connectTimeout
            self.totalTimeout = totalTimeout
        }
    }

    /// The partner's answer, or why there was none.
    public struct Response: Sendable, Equatable {
        public let status: Int?
        public let body: [UInt8]
        /// The transport failure (connection refused, timeout, TLS …) when there is no status.
        public let failure: String?
        public let timedOut: Bool
    }

    private static let initialised: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    private let handles = EasyHandles()

    public init() {}

    public func post(_ request: Request) -> Response {
        perform(request, get: false)
    }

    /// A GET of `url` (a CRL from its distribution point), with the same timeouts and handles.
    public func get(_ url: String, connectTimeout: TimeInterval, totalTimeout: TimeInterval) -> Response {
        perform(Request(url: url, contentType: "*/*", body: [], connectTimeout: connectTimeout, totalTimeout: totalTimeout), get: true)
    }

    private func perform(_ request: Request, get: Bool) -> Response {
        guard Self.initialised, let handle = handles.take() else {
            return Response(status: nil, body: [], failure: "libcurl could not be initialised", timedOut: false)
        }
        defer { handles.give(back: handle) }
        let collector = Unmanaged.passRetained(ResponseCollector())
        defer { collector.release() }
        var headers: UnsafeMutablePointer<curl_slist>?
        headers = curl_slist_append(headers, get ? "Accept: \(request.contentType)" : "Content-Type: \(request.contentType)")
        // No "Expect: 100-continue" round trip before the body.
        headers = curl_slist_append(headers, "Expect:")
        defer { curl_slist_free_all(headers) }
        _ = gateway_curl_setopt_string(handle, CURLOPT_URL, request.url)
        _ = gateway_curl_setopt_long(handle, get ? CURLOPT_HTTPGET : CURLOPT_POST, 1)
        _ = gateway_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = gateway_curl_setopt_long(handle, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1)
        _ = gateway_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(request.connectTimeout * 1000))
        _ = gateway_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(request.totalTimeout * 1000))
        _ = gateway_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headers)
        if let certificate = request.clientCertificate { _ = gateway_curl_setopt_string(handle, CURLOPT_SSLCERT, certificate) }
        if let key = request.clientKey { _ = gateway_curl_setopt_string(handle, CURLOPT_SSLKEY, key) }
        if let passphrase = request.clientKeyPassphrase { _ = gateway_curl_setopt_string(handle, CURLOPT_KEYPASSWD, passphrase) }
        if let ca = request.serverCA { _ = gateway_curl_setopt_string(handle, CURLOPT_CAINFO, ca) }
        _ = gateway_curl_setopt_write_function(handle) { data, size, count, context in
            guard let data, let context else { return 0 }
            let collector = Unmanaged<ResponseCollector>.fromOpaque(context).takeUnretainedValue()
            collector.bytes.append(contentsOf: UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        }
        _ = gateway_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, collector.toOpaque())
        let code = request.body.withUnsafeBytes { body -> CURLcode in
            if get { return curl_easy_perform(handle) }
            _ = gateway_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, body.count)
            _ = gateway_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: body.baseAddress))
            return curl_easy_perform(handle)
        }
        guard code == CURLE_OK else {
            return Response(status: nil, body: collector.takeUnretainedValue().bytes,
                            failure: String(cString: curl_easy_strerror(code)), timedOut: code == CURLE_OPERATION_TIMEDOUT)
        }
        var status = 0
        _ = gateway_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return Response(status: status, body: collector.takeUnretainedValue().bytes, failure: nil, timedOut: false)
    }
}

/// Idle easy handles, each with its connection cache. A handle is used by one post at a time;
/// `curl_easy_reset` clears its options but keeps its connections.
private final class EasyHandles: @unchecked Sendable {
    /// Kept idle at most: one per delivery thread is the usual need.
    static let idleLimit = 64
    private let lock = NSLock()
    private var idle: [UnsafeMutableRawPointer] = []

    func take() -> UnsafeMutableRawPointer? {
        lock.withLock { idle.popLast() } ?? curl_easy_init()
    }

    func give(back handle: UnsafeMutableRawPointer) {
        curl_easy_reset(handle)
        let kept = lock.withLock {
            guard idle.count < Self.idleLimit else { return false }
            idle.append(handle)
            return true
        }
        if !kept { curl_easy_cleanup(handle) }
    }

    deinit {
        for handle in idle { curl_easy_cleanup(handle) }
    }
}

private final class ResponseCollector {
    var bytes: [UInt8] = []
}
