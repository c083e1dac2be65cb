import GatewayCore

extension MessageSpec {
    /// Where a field of the canonical record sits in this partner's document, for an answer
    /// about it: `licenceNumber` of a MOIT amendment is `/LicenceAmendment/LicenceNumber`,
    /// `usageLines/0/quantityUsed` of a customs-core usage `/usageLines/0/quantityUsed`, `revision`
    /// of a MARD permit `/phyto_imp_permit/permit/@rev`. Steps between slashes are record names
    /// (dotted for nested members) and item indexes from 0; a name the spec does not map is kept.
    public func documentPath(ofField field: String) -> String {
        let root = format == .xml ? "/" + (recognition.element ?? "") : ""
        var path = root + (recordPath.isEmpty ? "" : "/\(recordPath)")
        var fields = self.fields
        for step in field.split(separator: "/").map(String.init) {
            if let index = Int(step) {
                path += format == .xml ? "[\(index + 1)]" : "/\(index)"
                continue
            }
            guard let spec = fields.first(where: { $0.name == step }), let place = spec.path else {
                path += "/\(step)"
                fields = []
                continue
            }
            path = place.absolute ? root + place.description : path + "/\(place)"
            fields = spec.fields
        }
        return path
    }
}

extension MessageSpec {
    /// Where an envelope field (the message id, the sender, the message answered) sits in this
    /// partner's document.
    public func documentPath(of field: EnvelopeField) -> String {
        let root = format == .xml ? "/" + (recognition.element ?? "") : ""
        guard let path = envelope[field] else { return root }
        return path.absolute ? root + path.description : root + "/" + path.description
    }
}

extension GatewayError {
    /// The error with each detail's path, a record field, turned into `spec`'s document path.
    public func locatingFields(in spec: MessageSpec) -> GatewayError {
        var located = self
        located.details = details.map { ErrorDetail(path: spec.documentPath(ofField: $0.path), message: $0.message) }
        return located
    }
}
