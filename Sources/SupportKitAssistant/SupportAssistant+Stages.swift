import Foundation
import SupportKit

extension SupportAssistant {
    /// One turn in progress: what each stage found, for the stages after it.
    struct Turn {
        let text: String
        let words: LexiconText
        var timings = StageTimings()
        /// The message's embedding.
        var vector: [Float] = []
        /// What dense retrieval searches with: the message, weighted with the recent conversation.
        var queryVector: [Float] = []
        var classification = Classification(intent: "", confidence: 0, category: nil, categoryConfidence: 0, classifier: "")
        /// The customer says yes to the person the previous reply offered.
        var acceptsHandoff = false
        var outOfScope = false
        var recall = CustomerMemory.Recall()
        var earlierOpenIssues: [CustomerMemory.Interaction] = []
        var result = KnowledgeBase.Result(hits: [], filteredCategory: nil, hybrid: false, bestSimilarity: 0)
        var resolution = false
        var unresolvedProblemReports = 0
        var decision = EscalationPolicy.Decision(reasons: [], priority: .low)
        var ticket: Ticket?
        var response = Response(text: "", sources: [], responder: "")
        var now = Date()

        init(text: String, words: LexiconText) {
            self.text = text
            self.words = words
        }

        func reply(smallTalk: SmallTalk.Kind? = nil) -> Reply {
            Reply(
                text: response.text, intent: classification.intent, confidence: classification.confidence,
                category: classification.category, categoryConfidence: classification.categoryConfidence,
                sources: response.sources,
                retrieved: result.hits.map {
                    RetrievedChunk(chunkId: $0.chunk.id, docId: $0.chunk.docId, title: $0.chunk.title, headingPath: $0.chunk.headingPathText, score: $0.score,
                                   similarity: $0.similarity, text: $0.chunk.text)
                },
                escalated: decision.escalate, escalationReasons: decision.reasons.map(\.description), ticket: ticket,
                memoryRecalled: recall.lines, classifier: classification.classifier, timings: timings,
                outOfScopeScore: classification.outOfScopeScore,
                outOfScope: classification.outOfScopeScore == nil ? nil : outOfScope, smallTalk: smallTalk?.rawValue)
        }
    }

    // MARK: - Context

    /// Embeds the message, and builds the query vector from the last `context.turns` turns: each turn's
    /// message and what the customer was told (a logged agent message, or the titles of the articles the
    /// assistant cited), newer turns weighing more. The window is bounded, so this costs the same at turn 5
    /// and at turn 5,000.
    func buildContext(_ turn: inout Turn, state: ConversationState) async throws {
        let settings = configuration.context
        let window = settings.weight > 0 && settings.method != .message ? Array(state.recent(settings.turns)) : []
        if settings.method == .prepend, !window.isEmpty {
            let vectors = try await embedder.embedAll([turn.text, Self.prependedQuery(turn.text, window: window)])
            turn.vector = vectors[0]
            turn.queryVector = vectors[1]
            return
        }
        // Titles of cited articles are embedded with the message, in one call; logged agent messages already
        // carry their vector.
        var texts = [turn.text]
        var topicAt: [Int: Int] = [:]
        for (position, earlier) in window.enumerated() where earlier.replyVector == nil && !earlier.sourceTitles.isEmpty {
            topicAt[position] = texts.count
            texts.append(earlier.sourceTitles.joined(separator: "; "))
        }
        let vectors = texts.count == 1 ? [try await embedder.embed(turn.text)] : try await embedder.embedAll(texts)
        turn.vector = vectors[0]
        turn.queryVector = turn.vector
        guard !window.isEmpty else { return }
        var context = [Float](repeating: 0, count: turn.vector.count)
        for (position, earlier) in window.enumerated() {
            // Each step back halves the weight: the last exchange matters most.
            let weight = Float(pow(0.5, Double(window.count - 1 - position)))
            let replyVector = earlier.replyVector ?? topicAt[position].map { vectors[$0] }
            for part in [earlier.vector, replyVector].compactMap({ $0 }) where part.count == context.count {
                let unit = Self.unit(part)
                for index in context.indices { context[index] += weight * unit[index] }
            }
        }
        let unitContext = Self.unit(context)
        let message = Self.unit(turn.vector)
        let w = Float(settings.weight)
        turn.queryVector = Self.unit(zip(message, unitContext).map { $0 + w * $1 })
    }

    /// The earlier turns' text, oldest first, then the message: each customer message and what the customer was
    /// told (a logged agent message, or the titles of the articles the assistant cited; the assistant's own
    /// reply text quotes those articles and would pull retrieval back to them).
    static func prependedQuery(_ text: String, window: [ConversationState.Turn]) -> String {
        var parts: [String] = []
        for earlier in window {
            parts.append(earlier.message)
            if earlier.replyIsLogged {
                parts.append(earlier.reply)
            } else if !earlier.sourceTitles.isEmpty {
                parts.append(earlier.sourceTitles.joined(separator: "; "))
            }
        }
        return (parts + [text]).joined(separator: "\n")
    }

    static func unit(_ vector: [Float]) -> [Float] {
        var norm: Float = 0
        for value in vector { norm += value * value }
        guard norm > 0 else { return vector }
        let scale = 1 / norm.squareRoot()
        return vector.map { $0 * scale }
    }

    // MARK: - Classify and scope

    /// The classifier's intent and category; a "yes" to the person the last reply offered is a hand-off.
    ///
    /// The intent is what this message does, so it is read from the message alone. The category is the
    /// conversation's topic, which a follow-up ("and how long does that take?") rarely names: with context on,
    /// it is read from the context vector the knowledge base is searched with. On evals/ that took category
    /// accuracy from 0.758 to 0.858 on the single-turn suites and from 0.738 to 0.833 on the context suite,
    /// with intent accuracy and recall unchanged (reading the intent in context too lowered it, 0.685 to 0.651).
    ///
    /// `withModel: false` (small talk) keeps a remote model out of it: the local classifier labels the turn.
    func classify(_ turn: inout Turn, withModel: Bool = true) async throws {
        turn.classification = withModel
            ? try await classifier.classify(turn.text, embedding: turn.vector)
            : try await classifier.classifyWithoutModel(turn.text, embedding: turn.vector)
        guard turn.queryVector != turn.vector else { return }
        // Scope is the conversation's too: a terse follow-up in a conversation about an order ("just the order!
        // not my plus membership") is not out of scope because its words alone are far from every example.
        if let alone = turn.classification.outOfScopeScore,
           let inContext = classifier.outOfScopeScore(inContext: turn.queryVector, confidence: turn.classification.confidence) {
            turn.classification.outOfScopeScore = min(alone, inContext)
        }
        guard turn.classification.category != nil,
              let category = try await classifier.category(of: turn.text, inContext: turn.queryVector)
        else { return }
        turn.classification.category = category.label
        turn.classification.categoryConfidence = category.confidence
    }

    /// Small talk: a polite answer, no retrieval, no memory, never a ticket.
    func answerSmallTalk(_ kind: SmallTalk.Kind, turn: Turn, state: inout ConversationState) -> Reply {
        var turn = turn
        let earlier = state.recent(configuration.context.repeatWindow).map(\.reply)
        turn.response = Response(text: SmallTalk.reply(to: kind, handoffOffered: state.ticket == nil, avoiding: earlier), sources: [], responder: "small_talk")
        var record = ConversationState.Turn(
            message: turn.text, intent: turn.classification.intent, category: nil, openProblem: false,
            interactionId: UUID(), reply: turn.response.text, escalated: false)
        record.vector = turn.vector
        state.append(record)
        state.handoffOffered = false
        return turn.reply(smallTalk: kind)
    }

    /// Whether the message is one no intent covers (and the configuration routes it).
    func checkScope(_ turn: inout Turn, state: ConversationState) {
        turn.acceptsHandoff = state.handoffOffered && lexicon.isAffirmation(turn.words)
        turn.outOfScope = configuration.outOfScope.action != .off && turn.classification.isOutOfScope && !turn.acceptsHandoff
    }

    // MARK: - Memory and retrieval

    func recallMemory(_ turn: inout Turn, state: ConversationState) async throws {
        try await memory.prepare()
        turn.recall = try await memory.recall(for: state.customerId, vector: turn.vector)
        // Memory is what outlives a conversation: this conversation's own turns are context, not a past "open
        // issue" or a "past" message to recall back to the customer.
        let conversationIds = state.interactionIds
        turn.recall.openIssues.removeAll { conversationIds.contains($0.id) }
        turn.recall.relevant.removeAll { conversationIds.contains($0.interaction.id) }
        turn.earlierOpenIssues = turn.recall.openIssues
    }

    func retrieve(_ turn: inout Turn, state: ConversationState) async throws {
        let query = retrievalQuery(turn.text, state: state)
        let vector: [Float]
        if configuration.context.weight > 0 {
            vector = turn.queryVector
        } else {
            // Without context weighting, a short follow-up is searched together with the previous message.
            vector = query == turn.text ? turn.vector : try await embedder.embed(query)
        }
        let classification = turn.classification
        turn.result = try await knowledge.search(query, vector: vector, category: classification.category, categoryConfidence: classification.categoryConfidence)
    }

    /// What to search the knowledge base's words with.
    ///
    /// With context on: the message, the previous customer message, and the previous logged agent message, so
    /// that a follow-up ("ok and do they have a happy hour") finds the product or place the conversation is
    /// about by its name. The assistant's own replies are left out: they quote the articles already found, and
    /// searching with them pulled retrieval back to those (evals/ single-turn recall@5 0.918 to 0.899 with the
    /// cited titles added). On evals/ this took recall@5 on the context suite from 0.875 to 0.899, and 0.917 to
    /// 0.918 on the single-turn suites. With context off: the message, or for a short follow-up ("still not
    /// working") the previous message and this one, since the follow-up alone names no topic.
    func retrievalQuery(_ text: String, state: ConversationState) -> String {
        guard let last = state.turns.last, configuration.context.method != .message else { return text }
        if configuration.context.weight > 0 {
            return ([text, last.message] + (last.replyIsLogged ? [last.reply] : [])).joined(separator: "\n")
        }
        let words = ExtractiveResponder.contentWords(text).count
        guard words < 3 || (words < 5 && lexicon.reportsPersistence(LexiconText(text))) else { return text }
        return last.message + "\n" + text
    }

    // MARK: - Decide

    func decide(_ turn: inout Turn, state: ConversationState) {
        let classification = turn.classification
        // The resolution phrases carry their own negation check, so a misread intent does not hide a "thanks,
        // it went through"; only an explicit request for a person overrides them.
        turn.resolution = lexicon.reportsResolution(turn.words) && classification.intent != DefaultIntent.escalate
        turn.unresolvedProblemReports = turn.resolution ? 0 : unresolvedProblemReports(turn, state: state)
        let earlierMessages = state.recent(configuration.context.repeatWindow).map(\.message)
        var signals = EscalationPolicy.Signals(
            intent: classification.intent, confidence: classification.confidence,
            unresolvedProblemReports: turn.unresolvedProblemReports,
            frustrationCues: frustration.cues(in: turn.text, earlierMessages: earlierMessages),
            bestKnowledgeScore: turn.resolution ? nil : turn.result.bestSimilarity,
            securityConcerns: lexicon.securityConcerns(turn.words), acceptsHandoff: turn.acceptsHandoff,
            outOfScope: turn.outOfScope ? EscalationPolicy.OutOfScope(
                score: classification.outOfScopeScore ?? 0, threshold: classification.outOfScopeThreshold ?? 0,
                handoff: configuration.outOfScope.action == .handoff) : nil)
        signals.customerMessages = state.turns.count + 1
        signals.reportsResolution = turn.resolution
        turn.decision = policy.decide(signals)
    }

    /// Reports of the current problem that are still open: the current message (when it reports a problem),
    /// earlier unresolved problem turns of this conversation, and open issues from memory on the same topic
    /// (same category, or recalled as similar).
    func unresolvedProblemReports(_ turn: Turn, state: ConversationState) -> Int {
        let classification = turn.classification
        let inConversation = state.openProblemCount
        // A follow-up such as "still nothing arrived" reports the same problem again even when the classifier
        // calls it feedback; it counts only while this conversation has an open problem.
        let similar = Set(turn.recall.relevant.map(\.interaction.id))
        let sameTopic = turn.earlierOpenIssues.filter { issue in
            similar.contains(issue.id) || (classification.category != nil && issue.category == classification.category)
        }
        let persistent = lexicon.reportsPersistence(turn.words)
        let persists = persistent && !turn.text.hasSuffix("?") && (inConversation > 0 || !sameTopic.isEmpty)
        // "Third time I'm writing about this" is a repeat by the customer's own account, whatever memory holds.
        if lexicon.claimsRepeat(turn.words) { return max(configuration.escalation.repeatedProblems, 1 + inConversation + sameTopic.count) }
        guard classification.intent == DefaultIntent.problem || classification.intent == DefaultIntent.escalate || persists else { return 0 }
        // An issue still open from an earlier session that the customer now says is still not fixed has
        // already failed once: it counts as two reports, so "still hasn't arrived" about it escalates at once.
        let carriedOver = persistent ? 2 : 1
        return 1 + inConversation + sameTopic.count * carriedOver
    }

    // MARK: - Ticket and answer

    /// Opens the conversation's ticket when the decision escalates (one per conversation). The transcript is
    /// built only here, from the last `context.transcript_turns` turns.
    func openTicket(_ turn: inout Turn, state: ConversationState) async throws {
        turn.now = clock()
        guard turn.decision.escalate else { return }
        if let open = state.ticket {
            // One hand-off per conversation: later escalations point at the ticket already open.
            turn.ticket = open
            return
        }
        turn.ticket = try await tickets.open(
            customerId: state.customerId, conversationId: state.conversationId, priority: turn.decision.priority,
            reasons: turn.decision.reasons.map(\.description), summary: summary(turn, state: state),
            transcript: state.transcript(limit: configuration.context.transcriptTurns) + ["customer: \(turn.text)"], at: turn.now)
    }

    func answer(_ turn: inout Turn, state: ConversationState) async throws {
        if turn.outOfScope, !turn.decision.escalate {
            let said = state.recent(configuration.context.repeatWindow).contains { $0.reply == Self.outOfScopeAnswer }
            turn.response = Response(text: said ? Self.outOfScopeAgainAnswer : Self.outOfScopeAnswer, sources: [], responder: "out_of_scope")
            return
        }
        turn.response = try await responder.respond(ResponseContext(
            customerId: state.customerId, message: turn.text, classification: turn.classification, hits: turn.result.hits,
            recall: turn.recall, decision: turn.decision, ticket: turn.ticket,
            earlierMessages: state.recent(configuration.context.repeatWindow).map(\.message),
            reportsResolution: turn.resolution, earlierOpenIssues: turn.earlierOpenIssues,
            earlierReplies: state.recent(configuration.context.repeatWindow).filter { !$0.replyIsLogged }.map(\.reply)))
    }

    /// What the assistant says to a message no intent covers.
    static let outOfScopeAnswer = "I'm sorry, I can't help with that here: it's outside what I can answer. If you'd like, I can pass you to a person on our support team. Just say yes."
    /// The same, the second time in a conversation.
    static let outOfScopeAgainAnswer = "That's also outside what I can answer here; I can only help with what our help articles cover. Ask me about one of those, or say yes and I'll pass you to a person on our support team."

    private func summary(_ turn: Turn, state: ConversationState) -> String {
        // The ticket is about the first open problem of the conversation, not the follow-up that tipped it.
        let origin = state.firstOpenProblem
        let first = origin?.message ?? turn.text
        let intent = origin?.intent ?? turn.classification.intent
        let category = (origin?.category ?? turn.classification.category).map { " [\($0)]" } ?? ""
        let reasons = turn.decision.reasons.map(\.code.rawValue).joined(separator: ", ")
        return "\(intent)\(category): \(ExtractiveResponder.shortened(first, to: 140)) (\(reasons); \(state.turns.count + 1) turn\(state.turns.isEmpty ? "" : "s"))"
    }

    // MARK: - Remember

    func remember(_ turn: inout Turn, state: inout ConversationState) async throws {
        let classification = turn.classification
        if turn.resolution {
            try await memory.resolveOpenIssues(for: state.customerId)
            state.resolveOpenProblems()
        }
        let openProblem = !turn.resolution && !turn.outOfScope && (classification.intent == DefaultIntent.problem
            || (turn.decision.escalate && classification.intent != DefaultIntent.feedback)
            || turn.unresolvedProblemReports > 0)
        let interaction = CustomerMemory.Interaction(
            customerId: state.customerId, text: turn.text, intent: classification.intent, category: classification.category,
            resolved: !openProblem, time: turn.now, ticket: turn.ticket?.id)
        try await memory.remember(interaction, vector: turn.vector)
        if let ticket = turn.ticket, state.ticket == nil {
            // The problem the ticket is about was reported in earlier turns too; they now point at it. Once, when
            // the ticket opens: later escalations reuse it, and re-attaching every turn would grow with history.
            let related = Set(state.openProblemInteractionIds)
                .union(turn.earlierOpenIssues.filter { $0.category == classification.category }.map(\.id))
            try await memory.attachTicket(ticket.id, to: related, customerId: state.customerId)
        }
        if state.ticket == nil { state.ticket = turn.ticket }
        var record = ConversationState.Turn(
            message: turn.text, intent: classification.intent, category: classification.category, openProblem: openProblem,
            interactionId: interaction.id, reply: turn.response.text, escalated: turn.decision.escalate)
        record.vector = turn.vector
        record.sourceIds = turn.response.sources.map(\.docId)
        record.sourceTitles = turn.response.sources.map(\.title)
        state.append(record)
        state.handoffOffered = turn.outOfScope && !turn.decision.escalate
    }
}
