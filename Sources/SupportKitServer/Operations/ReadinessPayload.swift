import Foundation

/// `GET /readyz`: `{"ready", "checks": [{"name", "ready", "detail"}], "deployment": {...}}`.
struct ReadinessPayload: Encodable {
    struct Check: Encodable {
        var name: String
        var ready: Bool
        var detail: String?
    }
    var ready: Bool
    var checks: [Check]
    /// What answers chats (`tool_version`, `embedder`, `classifier`, `knowledge_base`, ...).
    var deployment: [String: String]
}
