import Foundation
import GatewayCore

/// Reads a document into its canonical record's value tree and envelope, following the spec's
/// fields, and reports every field it could not read with the field's place in the document.
struct FieldReader {
    let spec: MessageSpec

    struct Reading {
        var record: JSONObject
        var envelope: MessageEnvelope
        var errors: [ErrorDetail]
    }

    func read(_ root: DocumentCursor) -> Reading {
        var reading = Reading(record: JSONObject(), envelope: MessageEnvelope(), errors: [])
        reading.record.reserveCapacity(spec.fields.count)
        for (field, path) in spec.envelope {
            let text = root.value(path)?.text
            switch field {
            case .messageId: reading.envelope.messageId = text
            case .sentAt: reading.envelope.sentAt = text
            case .sender: reading.envelope.sender = text
            case .receiver: reading.envelope.receiver = text
            case .reference: reading.envelope.reference = text
            }
        }
        guard let base = root.select(spec.recordPath).first else {
            reading.errors.append(ErrorDetail(path: root.location(of: spec.recordPath), message: "is missing"))
            return reading
        }
        read(spec.fields, at: base, root: root, into: &reading.record, errors: &reading.errors)
        return reading
    }

    /// `distinct`: `object` starts empty and each field fills a member of its own.
    private func read(_ fields: [FieldSpec], at base: DocumentCursor, root: DocumentCursor, into object: inout JSONObject,
                      distinct: Bool = false, errors: inout [ErrorDetail]) {
        for field in fields {
            // Passed on as they are: a copy of a cursor for every field was a tenth of reading.
            if field.isAbsolute {
                read(field, at: root, root: root, into: &object, distinct: distinct, errors: &errors)
            } else {
                read(field, at: base, root: root, into: &object, distinct: distinct, errors: &errors)
            }
        }
    }

    private func read(_ field: FieldSpec, at cursor: DocumentCursor, root: DocumentCursor, into object: inout JSONObject,
                      distinct: Bool, errors: inout [ErrorDetail]) {
        if field.repeated {
            guard let path = field.path, field.name != nil else { return }
            let items = cursor.select(path)
            if items.isEmpty {
                if field.required { errors.append(ErrorDetail(path: cursor.location(of: path), message: "at least one is required")) }
                return
            }
            var values: [JSONValue] = []
            values.reserveCapacity(items.count)
            for item in items {
                var element = JSONObject()
                element.reserveCapacity(field.fields.count)
                read(field.fields, at: item, root: root, into: &element, distinct: field.itemFieldsAreDistinct, errors: &errors)
                values.append(.object(element))
            }
            set(.array(values), of: field, in: &object, distinct: distinct)
        } else if let value = readValue(field, at: cursor, errors: &errors), field.name != nil {
            set(value, of: field, in: &object, distinct: distinct)
        }
    }

    private func set(_ value: JSONValue, of field: FieldSpec, in object: inout JSONObject, distinct: Bool) {
        if distinct {
            object.append(new: field.nameSteps[0], value)
        } else {
            object.setValue(value, at: field.nameSteps[...])
        }
    }

    private func readValue(_ field: FieldSpec, at cursor: DocumentCursor, errors: inout [ErrorDetail]) -> JSONValue? {
        if field.paths.isEmpty, let constant = field.value { return .string(constant) }
        var raw: RawValue?
        var at: DocumentPath?
        // Most fields have one path: read without gathering the values of every path first.
        var found: [RawValue?] = []
        if field.paths.count == 1 {
            if let value = cursor.value(field.paths[0]) {
                raw = value
                at = field.paths[0]
            }
        } else {
            found = field.paths.map { cursor.value($0) }
            if !field.alternatives {
                raw = found[0]
            } else if let index = found.firstIndex(where: { $0 != nil }) {
                raw = found[index]
                at = field.paths[index]
            }
        }
        // Spelled out only for an error.
        var location: String {
            guard let at else { return cursor.location(of: field.paths[0]) }
            return cursor.location(ofValueAt: at)
        }
        if let converter = field.converter {
            let inputs = field.alternatives || field.paths.count == 1 ? [raw?.text] : found.map { $0?.text }
            switch converter.read(inputs) {
            case .success(let converted): raw = converted.map(RawValue.text)
            case .failure(let failure):
                errors.append(ErrorDetail(path: location, message: failure.message))
                return nil
            }
        }
        guard let raw else {
            if field.required { errors.append(ErrorDetail(path: location, message: "is required")) }
            return nil
        }
        if let expected = field.value, field.name == nil {
            if raw.text != expected { errors.append(ErrorDetail(path: location, message: "must be \(expected), not \(raw.text)")) }
            return nil
        }
        switch field.type {
        case .string, .code, .date, .dateTime:
            return .string(raw.text)
        case .integer, .decimal:
            let number: DecimalNumber?
            switch raw {
            case .number(let value): number = value
            case .text(let text): number = DecimalNumber(text.trimmingXMLWhitespace)
            }
            guard let number, field.type == .decimal || number.isInteger else {
                errors.append(ErrorDetail(path: location, message: "\"\(raw.text)\" is not \(field.type == .integer ? "a whole number" : "a decimal number")"))
                return nil
            }
            return .number(number)
        }
    }
}

extension String {
    /// Without the XML whitespace (space, tab, CR, LF) around it; the string itself when there is none.
    var trimmingXMLWhitespace: String {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        // Looked at in place: the view's generic `first` and `last` showed in profiles of reading.
        var text = self
        let padded = text.withUTF8 { bytes in
            guard let first = bytes.first, let last = bytes.last else { return false }
            return isSpace(first) || isSpace(last)
        }
        guard padded else { return self }
        let bytes = utf8
        guard let start = bytes.firstIndex(where: { !isSpace($0) }), let end = bytes.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}

extension JSONObject {
    /// Sets the value at a name already split at its dots, creating the objects on the way.
    mutating func setValue(_ value: JSONValue, at steps: ArraySlice<String>) {
        guard let head = steps.first else { return }
        guard steps.count > 1 else {
            self[head] = value
            return
        }
        var nested = self[head]?.objectValue ?? JSONObject()
        nested.setValue(value, at: steps.dropFirst())
        self[head] = .object(nested)
    }

    /// The value at a name already split at its dots, nil when any part is absent.
    func value(at steps: ArraySlice<String>) -> JSONValue? {
        guard let head = steps.first else { return nil }
        guard steps.count > 1 else { return self[head] }
        return self[head]?.objectValue?.value(at: steps.dropFirst())
    }

    /// The value at a dotted name, nil when any part is absent.
    func value(at dotted: String) -> JSONValue? {
        guard dotted.utf8.contains(UInt8(ascii: ".")) else { return self[dotted] }
        return value(at: dotted.split(separator: ".").map(String.init)[...])
    }
}
