import Foundation
import SupportKit

/// One earlier interaction of a customer, as `GET /v1/customers/{id}/history` returns it.
public struct CustomerHistoryEntry: Sendable, Hashable, Codable {
    /// What was said or done, one line.
    public var text: String
    /// Who said it: `customer`, `assistant`, or `system` for imported history.
    public var role: String
    /// Classified intent of the entry, when known.
    public var intent: String?
    /// Support category of the entry, when known.
    public var category: String?
    /// Whether the issue this entry belongs to was resolved.
    public var resolved: Bool
    /// When it happened, when the memory knows.
    public var recordedAt: Date?

    /// Creates a history entry.
    public init(
        text: String, role: String = "customer", intent: String? = nil, category: String? = nil,
        resolved: Bool = true, recordedAt: Date? = nil
    ) {
        self.text = text
        self.role = role
        self.intent = intent
        self.category = category
        self.resolved = resolved
        self.recordedAt = recordedAt
    }
}

/// Looks up what the assistant remembers about a customer (the server's view of customer memory).
public protocol CustomerHistoryProvider: Sendable {
    /// The customer's most recent interactions, newest first, at most `limit` of them.
    ///
    /// - Parameters:
    ///   - customerId: The customer's id as the chat endpoints receive it.
    ///   - limit: The largest number of entries to return.
    /// - Returns: The entries, or `nil` when the customer is unknown (the server answers 404).
    /// - Throws: When the memory store cannot be read (the server answers 503).
    func history(forCustomer customerId: String, limit: Int) async throws -> [CustomerHistoryEntry]?
}

/// Adds to what the assistant remembers about a customer (`POST /v1/customers/{id}/history`): how an
/// evaluation harness seeds a test customer's earlier interactions, or how a help desk imports them.
public protocol CustomerHistoryRecorder: Sendable {
    /// Records `entries` (oldest first) as the customer's most recent earlier interactions, and replaces the
    /// customer's profile facts when `profile` is not empty.
    ///
    /// - Throws: `SupportKitError.invalidInput` for entries the memory refuses (the server answers 400); other
    ///   errors when the memory store cannot be written (503).
    func record(_ entries: [CustomerHistoryEntry], profile: [String: String], forCustomer customerId: String) async throws
}

/// What `DELETE /v1/customers/{id}` removed.
public struct CustomerErasure: Sendable, Hashable, Codable {
    /// Remembered interactions and profile facts deleted from the customer memory.
    public var memoryEntries: Int
    /// Tickets of the customer deleted from the ticket store.
    public var tickets: Int

    /// Creates an erasure summary.
    public init(memoryEntries: Int, tickets: Int) {
        self.memoryEntries = memoryEntries
        self.tickets = tickets
    }

    enum CodingKeys: String, CodingKey { case memoryEntries = "memory_entries", tickets }
}

/// Erases what the assistant holds about a customer (`DELETE /v1/customers/{id}`): how an evaluation harness
/// removes its test customers after a run against a live deployment, or how an erasure request is carried out.
public protocol CustomerEraser: Sendable {
    /// Deletes the customer's remembered interactions, profile and tickets.
    ///
    /// - Returns: What was deleted (zeros for a customer the assistant never saw; deleting is idempotent).
    /// - Throws: When the memory or ticket store cannot be written (the server answers 503).
    func erase(customer customerId: String) async throws -> CustomerErasure
}

/// Finds tickets the assistant opened.
public protocol TicketLookup: Sendable {
    /// The ticket with `id`, or `nil` when there is none (the server answers 404).
    ///
    /// - Throws: When the ticket store cannot be read (the server answers 503).
    func ticket(id: String) async throws -> Ticket?

    /// The customer's tickets, newest first, at most `limit` (empty for a customer without any).
    ///
    /// - Throws: When the ticket store cannot be read (the server answers 503).
    func tickets(ofCustomer customerId: String, limit: Int) async throws -> [Ticket]
}

/// One thing the server needs before it can answer chats (the store, the embedding model, the classifier).
public struct ReadinessCheck: Sendable, Hashable, Codable {
    /// Short name, e.g. `store` or `model`.
    public var name: String
    /// Whether this dependency is usable.
    public var isReady: Bool
    /// What is missing and what to do, when not ready; never contains secrets.
    public var detail: String?

    /// Creates a readiness check result.
    public init(name: String, isReady: Bool, detail: String? = nil) {
        self.name = name
        self.isReady = isReady
        self.detail = detail
    }
}

/// Reports whether the assistant's dependencies are loaded (`GET /readyz`), and what answers.
public protocol ReadinessProbe: Sendable {
    /// The state of each dependency; the server is ready when every check is.
    func checkReadiness() async -> [ReadinessCheck]

    /// Fingerprints of what answers chats (`GET /readyz`'s `deployment`), so an evaluation run can record which
    /// deployment it measured: `tool_version`, `embedder`, `classifier`, `knowledge_base`, and any others. Never
    /// secrets. Empty by default.
    func deployment() async -> [String: String]
}

extension ReadinessProbe {
    /// A probe that says nothing about the deployment.
    public func deployment() async -> [String: String] { [:] }
}

/// Everything the server needs from the assistant, wired by the CLI.
public struct ServerDependencies: Sendable {
    /// Opens assistant sessions for chat turns.
    public var sessions: any AssistantSessionFactory
    /// Answers `GET /v1/customers/{id}/history`.
    public var history: any CustomerHistoryProvider
    /// Answers `GET /v1/tickets/{id}`.
    public var tickets: any TicketLookup
    /// Answers `GET /readyz`.
    public var readiness: any ReadinessProbe
    /// Answers `POST /v1/customers/{id}/history`; nil when the server does not accept history (404).
    public var historyRecorder: (any CustomerHistoryRecorder)?
    /// Answers `DELETE /v1/customers/{id}`; nil when the server erases nothing (404).
    public var eraser: (any CustomerEraser)?

    /// Bundles the assistant-side dependencies of ``SupportServer``.
    public init(
        sessions: any AssistantSessionFactory, history: any CustomerHistoryProvider, tickets: any TicketLookup,
        readiness: any ReadinessProbe, historyRecorder: (any CustomerHistoryRecorder)? = nil,
        eraser: (any CustomerEraser)? = nil
    ) {
        self.eraser = eraser
        self.sessions = sessions
        self.history = history
        self.tickets = tickets
        self.readiness = readiness
        self.historyRecorder = historyRecorder
    }
}
