import Foundation

/// `Partners/<id>.yaml` as written: paths are relative to the file's folder, durations are
/// texts such as `30s`, `2m`, `24h`.
struct PartnerFile: Decodable {
    struct Endpoint: Decodable {
        let url: String
        let contentType: String
    }

    struct TLS: Decodable {
        let clientCertificate: String?
        let clientKey: String?
        let serverCA: String?
    }

    struct Signers: Decodable {
        let fingerprints: [String]?
        let subjects: [String]?
        /// Signers accepted beside these until `until` (an ISO 8601 time with its offset), then refused.
        let retiring: Retiring?
    }

    struct Retiring: Decodable {
        let until: String
        let fingerprints: [String]?
        let subjects: [String]?
    }

    struct Timeouts: Decodable {
        let connect: String
        let total: String
    }

    struct Revocation: Decodable {
        /// `hard` or `soft`.
        let mode: String
    }

    struct Retry: Decodable {
        let delays: [String]
        let giveUpAfter: String
    }

    let id: String
    let name: String
    let kind: String
    let country: String?
    let licenceTypes: [String]?
    let answers: String?
    let endpoint: Endpoint?
    let tls: TLS?
    let trust: String
    let signers: Signers
    /// The client certificates its requests must come over (mutual TLS), when it names any.
    let clientCertificates: Signers?
    let sends: [String]
    let receives: [String]
    let signWith: String?
    let timeouts: Timeouts?
    let retry: Retry?
    let revocation: Revocation?
}
