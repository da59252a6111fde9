/// One conversation with the support assistant: messages in order, replies out.
///
/// The evaluation runner and the server talk to the assistant only through these two protocols, so they
/// can be tested with recorded replies and wired to the real assistant in the CLI.
public protocol AssistantSession: Sendable {
    /// The assistant's reply to the customer's next message.
    func respond(to message: String) async throws -> Reply

    /// Puts what a person said after the last message (a logged agent message from a help-desk transcript)
    /// into the conversation in place of the assistant's reply, for the turns after it.
    func recordAgentMessage(_ text: String) async throws
}

extension AssistantSession {
    /// Sessions that keep no conversation context ignore logged agent messages.
    public func recordAgentMessage(_ text: String) async throws {}
}

/// Opens assistant sessions.
public protocol AssistantSessionFactory: Sendable {
    /// A session for `conversationId` with `customer`. When `isolatedMemory` is true the session gets a
    /// fresh memory holding only `customer.history` (evaluation); otherwise it uses the persistent memory.
    func makeSession(
        conversationId: String, customer: Conversation.Customer, isolatedMemory: Bool
    ) async throws -> any AssistantSession

    /// Fingerprints that identify what answers (embedder, classifier, settings), recorded with eval runs.
    var fingerprints: [String: String] { get }

    /// Called once before an evaluation run replays anything (and before it is recorded), with the run's id:
    /// a factory can check that what it talks to is reachable, fail early with a clear error, and name what it
    /// creates after the run. `fingerprints` is read after it returns.
    func prepare(forRun runId: String) async throws

    /// The messages the run will send (customer turns and logged agent messages), before any is replayed. An
    /// in-process assistant with a persistent embedding cache embeds them here in batches, so a suite's first
    /// run holds the same warm cache its later runs find, and measures the same turn latencies.
    func prefetch(messages: [String]) async throws

    /// Called once after a run replayed its conversations, and also when it stops early (an error, Ctrl-C): a
    /// factory removes what it created for the run on systems it does not own. Never throws: what could not be
    /// removed comes back as warnings for the run's output, each saying what stays and what to do.
    func finishRun() async -> [String]
}

extension AssistantSessionFactory {
    /// Factories with nothing to check or name do nothing.
    public func prepare(forRun runId: String) async throws {}

    /// Factories without an embedding cache of their own embed each message when it is sent.
    public func prefetch(messages: [String]) async throws {}

    /// Factories that create nothing outside the process have nothing to remove.
    public func finishRun() async -> [String] { [] }
}
