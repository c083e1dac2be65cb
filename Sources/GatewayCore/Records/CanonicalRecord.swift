/// A business record in the gateway's own terms, independent of any partner's format. Partner
/// message specs map to and from these; translating A → B is A → record → B. Dates are ISO
/// calendar dates (`2025-03-01`) and times ISO date-times with their offset, kept as received.
public protocol CanonicalRecord: Codable, Sendable, Hashable {
    /// The name specs use for this record (`record: Licence`).
    static var recordName: String { get }
}

/// Who a message is from and to, and when it was sent: the part every format has.
public struct MessageEnvelope: Codable, Sendable, Hashable {
    public var messageId: String?
    public var sentAt: String?
    /// The sending and receiving NSW (ASW) where a format names them.
    public var sender: String?
    public var receiver: String?
    /// The message this one answers (ASW ACK).
    public var reference: String?

    public init(messageId: String? = nil, sentAt: String? = nil, sender: String? = nil, receiver: String? = nil, reference: String? = nil) {
        self.messageId = messageId
        self.sentAt = sentAt
        self.sender = sender
        self.receiver = receiver
        self.reference = reference
    }
}

/// A Vietnamese trader as MOIT and customs-core describe one.
public struct Trader: Codable, Sendable, Hashable {
    public var taxCode: String
    public var name: String
    public var address: String
    public var email: String?
    public var phone: String?

    public init(taxCode: String, name: String, address: String, email: String? = nil, phone: String? = nil) {
        self.taxCode = taxCode
        self.name = name
        self.address = address
        self.email = email
        self.phone = phone
    }
}

/// A party of a cross-border document (exporter, consignee, importer).
public struct Party: Codable, Sendable, Hashable {
    public var name: String
    public var address: String
    public var country: String?
    public var taxIdentifier: String?
}

extension Trader: RecordValueCoding {
    public init(fields: inout RecordFields) throws(RecordValueError) {
        self.init(taxCode: try fields.string("taxCode"), name: try fields.string("name"), address: try fields.string("address"),
                  email: try fields.string(ifPresent: "email"), phone: try fields.string(ifPresent: "phone"))
    }

    public func write(to fields: inout RecordFieldWriter) {
        fields.add("taxCode", taxCode)
        fields.add("name", name)
        fields.add("address", address)
        fields.add("email", email)
        fields.add("phone", phone)
    }
}
