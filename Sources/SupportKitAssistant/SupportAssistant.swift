import Foundation
import Logging
import SupportKit

/// The support assistant: one customer message in, one `Reply` out.
///
/// A turn is a sequence of small stages (see `SupportAssistant+Stages.swift`): **context** (embed the message,
/// build the query vector from the last few turns), **classify**, **small talk** (answered at once, never
/// escalated), **out of scope**, **retrieve** (with the customer's memory), **decide** (the escalation policy,
/// a ticket when it fires), **answer**, **remember**. Each stage's time goes into `Reply.timings`. Every stage
/// reads bounded windows of the conversation, so a turn costs the same however many turns came before it.
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
    /// The phrase lists every rule matches against.
    public let lexicon: SupportLexicon
    let smallTalk: SmallTalk
    /// The time source for memory and tickets (fixed in tests).
    public let clock: @Sendable () -> Date
    let logger: Logger

    /// An assistant from its parts. `memory` must use the same embedder; its collection is created on the
    /// first turn if missing. Without `lexicon`, the built-in one with `configuration.lexicon`'s changes.
    public init(
        configuration: AssistantConfiguration = .init(), embedder: any Embedder, classifier: any IntentClassifier,
        knowledge: KnowledgeBase, memory: CustomerMemory, tickets: TicketStore, responder: (any Responder)? = nil,
        frustration: FrustrationDetector? = nil, lexicon: SupportLexicon? = nil, clock: @escaping @Sendable () -> Date = { Date() },
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
        let lexicon = lexicon ?? SupportLexicon.standard.applying(configuration.lexicon)
        self.frustration = frustration ?? FrustrationDetector(lexicon: lexicon.frustrationPhrases)
        self.lexicon = lexicon
        self.smallTalk = SmallTalk(lexicon: lexicon)
        self.clock = clock
        self.logger = logger
    }

    /// The same assistant with its memory in another store (evaluation gives each conversation its own).
    public func withMemory(_ store: any VectorStore, tickets: TicketStore? = nil) -> SupportAssistant {
        SupportAssistant(
            configuration: configuration, embedder: embedder, classifier: classifier, knowledge: knowledge,
            memory: CustomerMemory(store: store, embedder: embedder, configuration: configuration.memory, collection: memory.collection),
            tickets: tickets ?? self.tickets, responder: responder, frustration: frustration, lexicon: lexicon, clock: clock, logger: logger)
    }

    /// Answers one message of the conversation in `state`, and appends the turn to it.
    /// - Throws: `SupportKitError.invalidInput` for an empty message; embedder, store or ticket errors.
    public func respond(to message: String, state: inout ConversationState) async throws -> Reply {
        let text = message.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else {
            throw SupportKitError(.invalidInput, "the message is empty; send some text")
        }
        var turn = Turn(text: text, words: LexiconText(text))
        let clock = ContinuousClock()

        var start = clock.now
        try await buildContext(&turn, state: state)
        // Small talk is read from the words alone, so it is decided before any model is asked.
        let smallTalkKind = smallTalk.kind(of: turn.words)
        try await classify(&turn, withModel: smallTalkKind == nil)
        turn.timings.classify = start.duration(to: clock.now).milliseconds

        if let kind = smallTalkKind {
            return answerSmallTalk(kind, turn: turn, state: &state)
        }
        checkScope(&turn, state: state)

        start = clock.now
        try await recallMemory(&turn, state: state)
        turn.timings.memory = start.duration(to: clock.now).milliseconds

        start = clock.now
        try await retrieve(&turn, state: state)
        turn.timings.retrieve = start.duration(to: clock.now).milliseconds

        start = clock.now
        decide(&turn, state: state)
        // Past this point the turn opens tickets and writes memory; a turn cancelled before (its request timed
        // out) leaves no trace, one cancelled after finishes so that memory, tickets and the state agree.
        try Task.checkCancellation()
        try await openTicket(&turn, state: state)
        try await answer(&turn, state: state)
        turn.timings.respond = start.duration(to: clock.now).milliseconds

        // Remembering counts as memory time: it is the write half of the same stage.
        start = clock.now
        try await remember(&turn, state: &state)
        turn.timings.memory += start.duration(to: clock.now).milliseconds
        return turn.reply()
    }
}
