import Foundation
import SupportKit

/// `GET /v1/customers/{id}/history`: `{"customer_id", "entries": [...]}`.
struct HistoryPayload: Encodable {
    struct Entry: Encodable {
        var text: String
        var role: String
        var intent: String?
        var category: String?
        var resolved: Bool
        var recordedAt: Date?

        enum CodingKeys: String, CodingKey { case text, role, intent, category, resolved, recordedAt = "recorded_at" }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(text, forKey: .text)
            try container.encode(role, forKey: .role)
            try container.encode(intent, forKey: .intent)
            try container.encode(category, forKey: .category)
            try container.encode(resolved, forKey: .resolved)
            try container.encode(recordedAt, forKey: .recordedAt)
        }
    }
    var customerId: String
    var entries: [Entry]

    enum CodingKeys: String, CodingKey { case customerId = "customer_id", entries }

    init(customerId: String, entries: [CustomerHistoryEntry]) {
        self.customerId = customerId
        self.entries = entries.map {
            Entry(text: $0.text, role: $0.role, intent: $0.intent, category: $0.category, resolved: $0.resolved, recordedAt: $0.recordedAt)
        }
    }
}
