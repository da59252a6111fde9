/// What an API key may do. A key listed in the keys file without scopes gets ``defaults``: everything a key
/// could do before scopes existed. Writing and deleting customer history are never defaults: they change what the
/// assistant believes about a customer, so they are granted only by naming them.
public struct APIScope: RawRepresentable, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The keys-file name, e.g. `history:write`.
    public var rawValue: String
    /// A scope from its keys-file name; nil for an unknown name.
    public init?(rawValue: String) {
        guard Self.allCases.contains(where: { $0.rawValue == rawValue }) else { return nil }
        self.rawValue = rawValue
    }
    private init(_ name: String) { rawValue = name }

    /// `POST /v1/chat`, the WebSocket, and logged agent messages.
    public static let chat = APIScope("chat")
    /// `GET /v1/customers/{id}/history`.
    public static let historyRead = APIScope("history:read")
    /// `POST /v1/customers/{id}/history`: seeding what the assistant remembers (evaluation harnesses, imports).
    public static let historyWrite = APIScope("history:write")
    /// `DELETE /v1/customers/{id}`: erasing everything the server holds about a customer (evaluation harnesses
    /// cleaning up their test customers, erasure requests).
    public static let historyDelete = APIScope("history:delete")
    /// Reading tickets: `GET /v1/tickets/{id}`, `GET /v1/customers/{id}/tickets`.
    public static let ticketsRead = APIScope("tickets:read")
    /// `GET /metrics` when it needs a key.
    public static let metrics = APIScope("metrics")

    /// Every scope, in the order the docs list them.
    public static let allCases: [APIScope] = [.chat, .historyRead, .historyWrite, .historyDelete, .ticketsRead, .metrics]

    /// The scopes of a key listed without any: everything but `history:write` and `history:delete`.
    public static let defaults: Set<APIScope> = [.chat, .historyRead, .ticketsRead, .metrics]

    /// The keys-file name.
    public var description: String { rawValue }
}
