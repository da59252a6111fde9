import Foundation
import SupportKit

/// `POST /v1/customers/{id}/history`: `{"entries": [{"text", "intent"?, "category"?, "resolved"?}], "profile"?: {...}}`.
///
/// Entries are earlier interactions, oldest first; `resolved: false` makes one an open issue the assistant
/// brings up. `profile` holds free-form facts (`plan: plus`) and replaces the stored ones when given.
public struct HistoryRecordRequest: Sendable, Equatable {
    /// The interactions to record, oldest first.
    public var entries: [CustomerHistoryEntry]
    /// Profile facts; empty leaves the stored profile alone.
    public var profile: [String: String]

    /// Most entries one request may record.
    public static let maxEntries = 200

    static let example = #"{"entries": [{"text": "Refund requested for order 5521", "category": "billing", "resolved": false}]}"#

    /// Parses a JSON body, with messages that name the field at fault.
    ///
    /// - Throws: ``ServerError`` with code `bad_request`.
    public static func parse(_ data: Data) throws -> HistoryRecordRequest {
        let fields = try JSONBody.jsonObject(data, fields: "entries", example: example)
        guard case .array(let items)? = fields["entries"] else {
            throw JSONBody.bad("field entries is missing or not an array; send \(example)")
        }
        guard items.count <= maxEntries else {
            throw JSONBody.bad("field entries has \(items.count) items; send at most \(maxEntries) per request")
        }
        var entries: [CustomerHistoryEntry] = []
        for (index, item) in items.enumerated() {
            guard case .object(let entry) = item else {
                throw JSONBody.bad("entries[\(index)] must be an object like {\"text\": \"...\"}, not \(item.kind)")
            }
            let name = "entries[\(index)]."
            guard let text = try JSONBody.string(entry, "text", required: true, maxLength: ChatRequest.maxMessageLength, example: example),
                  !text.allSatisfy(\.isWhitespace) else {
                throw JSONBody.bad("field \(name)text is empty; send what the customer said or did")
            }
            var resolved = true
            switch entry["resolved"] {
            case nil, .null?: break
            case .bool(let flag)?: resolved = flag
            case let other?: throw JSONBody.bad("field \(name)resolved must be true or false, not \(other.kind)")
            }
            entries.append(CustomerHistoryEntry(
                text: text, role: "customer", intent: try JSONBody.string(entry, "intent", required: false),
                category: try JSONBody.string(entry, "category", required: false), resolved: resolved))
        }
        var profile: [String: String] = [:]
        switch fields["profile"] {
        case nil, .null?: break
        case .object(let facts)?:
            for (key, value) in facts {
                guard case .string(let text) = value else {
                    throw JSONBody.bad("field profile.\(key) must be a string, not \(value.kind)")
                }
                profile[key] = text
            }
        case let other?: throw JSONBody.bad("field profile must be an object of strings, not \(other.kind)")
        }
        return HistoryRecordRequest(entries: entries, profile: profile)
    }
}
