import Foundation
import Logging
import SupportKit

/// The support assistant: one customer message in, one `Reply` out.
///
/// Per turn: embed the message once; classify it; recall the customer's memory; search the knowledge
/// base (filtered by category only when confident); apply the escalation policy and open a ticket when it
/// fires; write a grounded answer; remember the turn. Each stage's time goes into `Reply.timings`.
public struct SupportAssistant: Sendable {
    public let configuration: AssistantConfiguration
    public let embedder: any Embedder
    public let classifier: any IntentClassifier
    public let knowledge: KnowledgeBase
    public let memory: CustomerMemory
    public let policy: EscalationPolicy
    public let tickets: TicketStore
    public let responder: any Responder
    public let frustration: FrustrationDetector
    /// The time source for memory and tickets (fixed in tests).
    public let clock: @Sendable () -> Date
    let logger: Logger

    /// An assistant from its parts. `memory` must use the same embedder; its collection is created on the
    /// first turn if missing.
    public init(
        configuration: AssistantConfiguration = .init(), embedder: any Embedder, classifier: any IntentClassifier,
        knowledge: KnowledgeBase, memory: CustomerMemory, tickets: TicketStore, responder: (any Responder)? = nil,
        frustration: FrustrationDetector = .init(), clock: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "supportkit.assistant")
    ) {
        self.configuration = configuration
        self.embedder = embedder
        self.classifier = classifier
        self.knowledge = knowledge
        self.memory = memory
        self.policy = EscalationPolicy(configuration: configuration.escalation, embedder: embedder.fingerprint)
        self.tickets = tickets
        self.responder = responder ?? ExtractiveResponder(configuration: configuration.responder)
        self.frustration = frustration
        self.clock = clock
        self.logger = logger
    }

    /// The same assistant with its memory in another store (evaluation gives each conversation its own).
    public func withMemory(_ store: any VectorStore, tickets: TicketStore? = nil) -> SupportAssistant {
        SupportAssistant(
            configuration: configuration, embedder: embedder, classifier: classifier, knowledge: knowledge,
            memory: CustomerMemory(store: store, embedder: embedder, configuration: configuration.memory, collection: memory.collection),
            tickets: tickets ?? self.tickets, responder: responder, frustration: frustration, clock: clock, logger: logger)
    }

    /// Answers one message of the conversation in `state`, and appends the turn to it.
    /// - Throws: `SupportKitError.invalidInput` for an empty message; embedder, store or ticket errors.
    public func respond(to message: String, state: inout ConversationState) async throws -> Reply {
        let text = message.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else {
            throw SupportKitError(.invalidInput, "the message is empty; send some text")
        }
        var timings = StageTimings()
        let clock = ContinuousClock()
        let customerId = state.customerId

        var start = clock.now
        let vector = try await embedder.embed(text)
        let classification = try await classifier.classify(text, embedding: vector)
        timings.classify = start.duration(to: clock.now).milliseconds

        start = clock.now
        try await memory.prepare()
        let recall = try await memory.recall(for: customerId, vector: vector)
        timings.memory = start.duration(to: clock.now).milliseconds

        start = clock.now
        let query = retrievalQuery(text, state: state)
        let queryVector = query == text ? vector : try await embedder.embed(query)
        let result = try await knowledge.search(query, vector: queryVector, category: classification.category, categoryConfidence: classification.categoryConfidence)
        timings.retrieve = start.duration(to: clock.now).milliseconds

        start = clock.now
        let earlierMessages = state.turns.map(\.message)
        // The resolution phrases carry their own negation check, so a misread intent does not hide a "thanks,
        // it went through"; only an explicit request for a person overrides them.
        let resolution = Self.reportsResolution(text) && classification.intent != DefaultIntent.escalate
        let conversationIds = state.interactionIds
        let earlierOpenIssues = recall.openIssues.filter { !conversationIds.contains($0.id) }
        let signals = EscalationPolicy.Signals(
            intent: classification.intent, confidence: classification.confidence,
            unresolvedProblemReports: resolution ? 0 : unresolvedProblemReports(message: text, classification: classification, state: state, recall: recall, earlierOpenIssues: earlierOpenIssues),
            frustrationCues: frustration.cues(in: text, earlierMessages: earlierMessages),
            bestKnowledgeScore: resolution ? nil : result.bestSimilarity,
            securityConcerns: Self.securityConcerns(text))
        let decision = policy.decide(signals)
        // Past this point the turn opens tickets and writes memory; a turn cancelled before (its request timed
        // out) leaves no trace, one cancelled after finishes so that memory, tickets and the state agree.
        try Task.checkCancellation()
        let now = self.clock()
        var ticket: Ticket?
        if decision.escalate, let open = state.ticket {
            // One hand-off per conversation: later escalations point at the ticket already open.
            ticket = open
        } else if decision.escalate {
            ticket = try await tickets.open(
                customerId: customerId, conversationId: state.conversationId, priority: decision.priority, reasons: decision.reasons.map(\.description),
                summary: summary(text: text, classification: classification, state: state, decision: decision),
                transcript: state.transcript + ["customer: \(text)"], at: now)
        }
        let response = try await responder.respond(ResponseContext(
            customerId: customerId, message: text, classification: classification, hits: result.hits, recall: recall,
            decision: decision, ticket: ticket, earlierMessages: earlierMessages, reportsResolution: resolution,
            earlierOpenIssues: earlierOpenIssues))
        timings.respond = start.duration(to: clock.now).milliseconds

        // Remembering counts as memory time: it is the write half of the same stage.
        start = clock.now
        if resolution {
            try await memory.resolveOpenIssues(for: customerId)
            for index in state.turns.indices { state.turns[index].openProblem = false }
        }
        let openProblem = !resolution && (classification.intent == DefaultIntent.problem
            || (decision.escalate && classification.intent != DefaultIntent.feedback)
            || signals.unresolvedProblemReports > 0)
        let interaction = CustomerMemory.Interaction(
            customerId: customerId, text: text, intent: classification.intent, category: classification.category,
            resolved: !openProblem, time: now, ticket: ticket?.id)
        try await memory.remember(interaction, vector: vector)
        if let ticket {
            // The problem the ticket is about was reported in earlier turns too; they now point at it.
            let related = Set(state.turns.filter(\.openProblem).map(\.interactionId))
                .union(earlierOpenIssues.filter { $0.category == classification.category }.map(\.id))
            try await memory.attachTicket(ticket.id, to: related, customerId: customerId)
        }
        timings.memory += start.duration(to: clock.now).milliseconds

        if state.ticket == nil { state.ticket = ticket }
        state.turns.append(ConversationState.Turn(
            message: text, intent: classification.intent, category: classification.category, openProblem: openProblem,
            interactionId: interaction.id, reply: response.text, escalated: decision.escalate))
        return Reply(
            text: response.text, intent: classification.intent, confidence: classification.confidence,
            category: classification.category, categoryConfidence: classification.categoryConfidence,
            sources: response.sources,
            retrieved: result.hits.map {
                RetrievedChunk(chunkId: $0.chunk.id, docId: $0.chunk.docId, title: $0.chunk.title, headingPath: $0.chunk.headingPathText, score: $0.score)
            },
            escalated: decision.escalate, escalationReasons: decision.reasons.map(\.description), ticket: ticket,
            memoryRecalled: recall.lines, classifier: classification.classifier, timings: timings)
    }

    /// What to search the knowledge base with: the message, or for a short follow-up ("still not working")
    /// the previous message and this one, since the follow-up alone names no topic.
    func retrievalQuery(_ text: String, state: ConversationState) -> String {
        let words = ExtractiveResponder.contentWords(text).count
        guard let previous = state.turns.last?.message, words < 3 || (words < 5 && Self.reportsPersistence(text)) else { return text }
        return previous + "\n" + text
    }

    /// Reports of the current problem that are still open: the current message (when it reports a problem),
    /// earlier unresolved problem turns of this conversation, and open issues from memory on the same topic
    /// (same category, or recalled as similar).
    func unresolvedProblemReports(message: String, classification: Classification, state: ConversationState, recall: CustomerMemory.Recall, earlierOpenIssues: [CustomerMemory.Interaction]) -> Int {
        let inConversation = state.turns.filter(\.openProblem).count
        // A follow-up such as "still nothing arrived" reports the same problem again even when the classifier
        // calls it feedback; it counts only while this conversation has an open problem.
        let similar = Set(recall.relevant.map(\.interaction.id))
        let sameTopic = earlierOpenIssues.filter { issue in
            similar.contains(issue.id) || (classification.category != nil && issue.category == classification.category)
        }
        let persistence = Self.reportsPersistence(message) && !message.trimmingCharacters(in: .whitespaces).hasSuffix("?")
        let persists = persistence && (inConversation > 0 || !sameTopic.isEmpty)
        // "Third time I'm writing about this" is a repeat by the customer's own account, whatever memory holds.
        if Self.claimsRepeat(message) { return max(configuration.escalation.repeatedProblems, 1 + inConversation + sameTopic.count) }
        guard classification.intent == DefaultIntent.problem || classification.intent == DefaultIntent.escalate || persists else { return 0 }
        // An issue still open from an earlier session that the customer now says is still not fixed has
        // already failed once: it counts as two reports, so "still hasn't arrived" about it escalates at once.
        let carriedOver = Self.reportsPersistence(message) ? 2 : 1
        return 1 + inConversation + sameTopic.count * carriedOver
    }

    /// Whether the customer says they have reported this several times already.
    static func claimsRepeat(_ message: String) -> Bool {
        let words = " " + FrustrationDetector.normalizedWords(message).joined(separator: " ") + " "
        return repeatClaims.contains { words.contains(" " + $0 + " ") }
    }

    static let repeatClaims = [
        "third time", "fourth time", "fifth time", "again and again", "so many times", "how many times",
        "keeps happening", "every month", "months in a row", "times now",
    ]

    /// Phrases that suggest an account takeover or fraud, which a person must handle.
    static func securityConcerns(_ message: String) -> [String] {
        let words = " " + FrustrationDetector.normalizedWords(message).joined(separator: " ") + " "
        return securityPhrases.filter { words.contains(" " + $0 + " ") }
    }

    static let securityPhrases = [
        "hacked", "fraudulent", "unauthorized", "unauthorised", "never placed", "didn't place", "did not place",
        "didn't buy", "did not buy", "didn't make", "did not do that", "wasn't me", "not me", "broke into",
        "stolen account", "identity theft", "security team", "security people", "compromised",
        "changed my password", "password was changed", "email was changed",
    ]

    /// Whether a message says the problem is still there ("still", "again", "didn't work", ...).
    static func reportsPersistence(_ message: String) -> Bool {
        let words = " " + FrustrationDetector.normalizedWords(message).joined(separator: " ") + " "
        return persistencePhrases.contains { words.contains(" " + $0 + " ") }
    }

    static let persistencePhrases = [
        "still", "again", "not yet", "no luck", "didn't work", "doesn't work", "did not work", "does not work",
        "same problem", "same issue", "nothing happened", "keeps", "another", "never", "hasn't", "haven't",
        "any news", "any update",
    ]

    private func summary(text: String, classification: Classification, state: ConversationState, decision: EscalationPolicy.Decision) -> String {
        // The ticket is about the first open problem of the conversation, not the follow-up that tipped it.
        let origin = state.turns.first(where: \.openProblem)
        let first = origin?.message ?? text
        let intent = origin?.intent ?? classification.intent
        let category = (origin?.category ?? classification.category).map { " [\($0)]" } ?? ""
        let reasons = decision.reasons.map(\.code).joined(separator: ", ")
        return "\(intent)\(category): \(ExtractiveResponder.shortened(first, to: 140)) (\(reasons); \(state.turns.count + 1) turn\(state.turns.isEmpty ? "" : "s"))"
    }

    /// Whether the message says a problem is solved ("that worked", "it's fixed now", "all sorted").
    static func reportsResolution(_ message: String) -> Bool {
        let words = " " + FrustrationDetector.normalizedWords(message).joined(separator: " ") + " "
        let negations = [" not ", " still ", " didn't ", " doesn't ", " never ", " hasn't ", " haven't ", " isn't ", " can't ", " won't ", " no "]
        if negations.contains(where: words.contains) { return false }
        return resolutionPhrases.contains { words.contains(" " + $0 + " ") }
    }

    static let resolutionPhrases = [
        "that worked", "it worked", "this worked", "works now", "working now", "it's fixed", "is fixed", "fixed it",
        "that fixed", "solved", "resolved", "sorted", "all good", "problem gone", "went through", "all set",
        "that did it", "figured it out", "found it", "it arrived", "got it now",
    ]
}
