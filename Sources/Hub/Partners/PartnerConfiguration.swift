import Foundation
import GatewayCore
import MessageSpecs
import Synchronization

/// The partner files in force, as one snapshot swapped whole when they are reloaded (SIGHUP,
/// `POST /v1/admin/reload`): a message is handled from start to end with the snapshot it began
/// with, and a new configuration that does not load is refused whole while the old one stays.
public final class PartnerConfiguration: Sendable {
    public struct Snapshot: Sendable {
        public let partners: PartnerRegistry
        let outbound: OutboundMessages
        /// Each partner's Content-Types, checked twice per HTTP request (before and after its body).
        let mediaTypes: [String: Set<String>]
        /// The certificates the gateway signs partners' messages with: what they signed is never an
        /// inbound message, whatever trust a partner file names.
        let ownSigners: Set<String>
        public let loadedAt: Date
    }

    let specs: SpecRegistry
    let ids: any MessageIdSource
    private let current: Mutex<Snapshot>

    init(partners: PartnerRegistry, specs: SpecRegistry, ids: any MessageIdSource) throws(GatewayError) {
        self.specs = specs
        self.ids = ids
        current = Mutex(try Self.snapshot(partners, specs: specs, ids: ids))
    }

    public var snapshot: Snapshot { current.withLock { $0 } }

    /// Builds everything a snapshot needs (the signing keys opened) before anything is swapped.
    static func snapshot(_ partners: PartnerRegistry, specs: SpecRegistry, ids: any MessageIdSource) throws(GatewayError) -> Snapshot {
        let outbound = try OutboundMessages(partners: partners, ids: ids)
        return Snapshot(partners: partners, outbound: outbound, mediaTypes: partners.partners.mapValues { MediaTypes.expected(for: $0, specs: specs) },
                        ownSigners: outbound.fingerprints, loadedAt: Date())
    }

    /// Puts `partners` in force once their snapshot is complete; the one it replaces.
    @discardableResult
    func install(_ partners: PartnerRegistry) throws(GatewayError) -> Snapshot {
        let next = try Self.snapshot(partners, specs: specs, ids: ids)
        return current.withLock { current in
            defer { current = next }
            return current
        }
    }
}
