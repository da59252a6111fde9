import SupportKit

/// Keeps one assistant session per (customer, conversation), so consecutive turns share context.
///
/// A session unused for `idleTimeout` is dropped; when `capacity` sessions are open, the least recently
/// used tenth goes first; a session with a turn running or waiting is never dropped. Concurrent first turns
/// of one conversation share a single `makeSession` call, and the turns of one conversation run one at a
/// time in arrival order (``TurnQueue``, at most `maxQueuedTurns` waiting), whatever the session does.
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
        var turns: TurnQueue
        var lastUsed: ContinuousClock.Instant
        /// Turns running or waiting.
        var inFlight = 0
    }

    private let factory: any AssistantSessionFactory
    private let idleTimeout: Duration
    private let capacity: Int
    private let maxQueuedTurns: Int
    private let clock = ContinuousClock()
    private var entries: [Key: Entry] = [:]
    private var lastSweep: ContinuousClock.Instant

    /// Creates a registry over `factory`.
    public init(factory: any AssistantSessionFactory, idleTimeout: Duration, capacity: Int, maxQueuedTurns: Int = 32) {
        self.factory = factory
        self.idleTimeout = idleTimeout
        self.capacity = max(1, capacity)
        self.maxQueuedTurns = maxQueuedTurns
        self.lastSweep = ContinuousClock.now
    }

    /// Number of open sessions.
    public var count: Int { entries.count }

    /// Runs one turn of the conversation `key` with its session (opened on first use), after the turns that
    /// arrived before it.
    ///
    /// - Throws: What the factory throws (a failed opening is not cached, so the next turn retries);
    ///   `SupportKitError.busy` when `maxQueuedTurns` turns are already waiting; what `turn` throws.
    public func withSession<T: Sendable>(
        for key: Key, _ turn: @escaping @Sendable (any AssistantSession) async throws -> T
    ) async throws -> T {
        let (session, turns) = try await open(key)
        entries[key]?.inFlight += 1
        defer {
            entries[key]?.inFlight -= 1
            touch(key)
        }
        let opened = session
        return try await turns.run { try await turn(try await opened.value) }
    }

    /// The session for `key`, opened on first use (for callers that serialize turns themselves).
    ///
    /// - Throws: What the factory throws; a failed opening is not cached, so the next turn retries.
    public func session(for key: Key) async throws -> any AssistantSession {
        let (session, _) = try await open(key)
        let value = try await session.value
        touch(key)
        return value
    }

    /// The entry of `key`, created (and its session's opening started) when missing.
    private func open(_ key: Key) async throws -> (Task<any AssistantSession, any Error>, TurnQueue) {
        let now = clock.now
        sweepIfDue(now: now)
        if var entry = entries[key] {
            entry.lastUsed = now
            entries[key] = entry
            return (entry.session, entry.turns)
        }
        if entries.count >= capacity { evictLeastRecentlyUsed() }
        let factory = self.factory
        // The opening runs unstructured so that every caller waiting on this conversation awaits the same one.
        let task = Task<any AssistantSession, any Error> {
            try await factory.makeSession(
                conversationId: key.conversationId, customer: Conversation.Customer(id: key.customerId),
                isolatedMemory: false)
        }
        let turns = TurnQueue(capacity: maxQueuedTurns)
        entries[key] = Entry(session: task, turns: turns, lastUsed: now)
        do {
            _ = try await task.value
            // Idle time counts from when the session was ready, not from when opening began.
            touch(key)
            return (task, turns)
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

    /// Forgets every idle session of `customerId` (a customer being erased); a session with a turn running or
    /// waiting stays until its turns finish and the idle sweep drops it.
    ///
    /// - Returns: How many sessions were dropped.
    @discardableResult
    public func removeSessions(ofCustomer customerId: String) -> Int {
        let doomed = entries.filter { $0.key.customerId == customerId && $0.value.inFlight == 0 }.map(\.key)
        for key in doomed { entries[key] = nil }
        return doomed.count
    }

    private func sweepIfDue(now: ContinuousClock.Instant) {
        guard now - lastSweep >= min(.seconds(1), idleTimeout) else { return }
        lastSweep = now
        let deadline = now - idleTimeout
        entries = entries.filter { $0.value.lastUsed > deadline || $0.value.inFlight > 0 }
    }

    /// Drops the least recently used tenth (at least one): one sort per many insertions keeps a full
    /// registry cheap under a stream of new conversations.
    private func evictLeastRecentlyUsed() {
        let count = max(1, capacity / 10)
        let oldest = entries.filter { $0.value.inFlight == 0 }.sorted { $0.value.lastUsed < $1.value.lastUsed }.prefix(count)
        for (key, _) in oldest { entries[key] = nil }
    }
}
