import SupportKit

/// Keeps one assistant session per (customer, conversation), so consecutive turns share context.
///
/// A session unused for `idleTimeout` is dropped; when `capacity` sessions are open, the least recently
/// used tenth goes first. Concurrent first turns of one conversation share a single `makeSession` call.
public actor SessionRegistry {
    /// Identifies a conversation.
    public struct Key: Hashable, Sendable {
        /// The customer of the conversation.
        public var customerId: String
        /// The conversation id.
        public var conversationId: String
        /// Creates a key.
        public init(customerId: String, conversationId: String) {
            self.customerId = customerId
            self.conversationId = conversationId
        }
    }

    private struct Entry {
        var session: Task<any AssistantSession, any Error>
        var lastUsed: ContinuousClock.Instant
    }

    private let factory: any AssistantSessionFactory
    private let idleTimeout: Duration
    private let capacity: Int
    private let clock = ContinuousClock()
    private var entries: [Key: Entry] = [:]
    private var lastSweep: ContinuousClock.Instant

    /// Creates a registry over `factory`.
    public init(factory: any AssistantSessionFactory, idleTimeout: Duration, capacity: Int) {
        self.factory = factory
        self.idleTimeout = idleTimeout
        self.capacity = max(1, capacity)
        self.lastSweep = ContinuousClock.now
    }

    /// Number of open sessions.
    public var count: Int { entries.count }

    /// The session for `key`, opened on first use.
    ///
    /// - Throws: What the factory throws; a failed opening is not cached, so the next turn retries.
    public func session(for key: Key) async throws -> any AssistantSession {
        let now = clock.now
        sweepIfDue(now: now)
        if var entry = entries[key] {
            entry.lastUsed = now
            entries[key] = entry
            let session = try await entry.session.value
            touch(key)
            return session
        }
        if entries.count >= capacity { evictLeastRecentlyUsed() }
        let factory = self.factory
        // The opening runs unstructured so that every caller waiting on this conversation awaits the same one.
        let task = Task<any AssistantSession, any Error> {
            try await factory.makeSession(
                conversationId: key.conversationId, customer: Conversation.Customer(id: key.customerId),
                isolatedMemory: false)
        }
        entries[key] = Entry(session: task, lastUsed: now)
        do {
            let session = try await task.value
            // Idle time counts from when the session was ready, not from when opening began.
            touch(key)
            return session
        } catch {
            if let current = entries[key], current.session == task { entries[key] = nil }
            throw error
        }
    }

    private func touch(_ key: Key) {
        entries[key]?.lastUsed = clock.now
    }

    /// Forgets the session of `key` (e.g. after its conversation timed out).
    public func remove(_ key: Key) {
        entries[key] = nil
    }

    private func sweepIfDue(now: ContinuousClock.Instant) {
        guard now - lastSweep >= min(.seconds(1), idleTimeout) else { return }
        lastSweep = now
        let deadline = now - idleTimeout
        entries = entries.filter { $0.value.lastUsed > deadline }
    }

    /// Drops the least recently used tenth (at least one): one sort per many insertions keeps a full
    /// registry cheap under a stream of new conversations.
    private func evictLeastRecentlyUsed() {
        let count = max(1, capacity / 10)
        let oldest = entries.sorted { $0.value.lastUsed < $1.value.lastUsed }.prefix(count)
        for (key, _) in oldest { entries[key] = nil }
    }
}
