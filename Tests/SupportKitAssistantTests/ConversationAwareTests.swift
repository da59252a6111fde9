import Foundation
import Testing
import SupportKit
import SupportKitStore
import Synchronization
@testable import SupportKitAssistant

/// A classifier that calls everything `escalate` with high confidence: small talk must still never escalate.
private struct EscalateEverything: IntentClassifier {
    var fingerprint: String { "escalate@test" }
    var intentLabels: [String] { DefaultIntent.all }
    var categoryLabels: [String] { [] }
    var trainingTexts: [String] { [] }
    func classify(_ message: String, embedding: [Float]) async throws -> Classification {
        Classification(intent: DefaultIntent.escalate, confidence: 0.99, category: nil, categoryConfidence: 0, classifier: "escalate@test")
    }
}

/// A classifier whose out-of-scope score is high for messages containing `outside`.
private struct ScopedClassifier: IntentClassifier {
    var fingerprint: String { "scoped@test" }
    var intentLabels: [String] { DefaultIntent.all }
    var categoryLabels: [String] { CategorySet.default.names }
    var trainingTexts: [String] { [] }
    func classify(_ message: String, embedding: [Float]) async throws -> Classification {
        var classification = Classification(intent: DefaultIntent.question, confidence: 0.2, category: nil, categoryConfidence: 0, classifier: "scoped@test")
        classification.outOfScopeScore = message.contains("outside") ? 0.995 : 0.4
        classification.outOfScopeThreshold = 0.97
        return classification
    }
}

/// A classifier whose messages are all out of scope on their own (`terse` ones too) and in scope read in context.
private struct ScopedInContextClassifier: IntentClassifier {
    var fingerprint: String { "scoped-context@test" }
    var intentLabels: [String] { DefaultIntent.all }
    var categoryLabels: [String] { CategorySet.default.names }
    var trainingTexts: [String] { [] }
    func classify(_ message: String, embedding: [Float]) async throws -> Classification {
        var classification = Classification(intent: DefaultIntent.question, confidence: 0.8, category: "orders", categoryConfidence: 0.8, classifier: "scoped-context@test")
        classification.outOfScopeScore = 0.999
        classification.outOfScopeThreshold = 0.97
        return classification
    }
    func outOfScopeScore(inContext context: [Float], confidence: Double) -> Double? { 0.5 }
}

/// A classifier that calls every message `orders` on its own and `billing` when read in context, so a test can see
/// which one the assistant used.
private struct TopicInContextClassifier: IntentClassifier {
    var fingerprint: String { "topic@test" }
    var intentLabels: [String] { DefaultIntent.all }
    var categoryLabels: [String] { CategorySet.default.names }
    var trainingTexts: [String] { [] }
    func classify(_ message: String, embedding: [Float]) async throws -> Classification {
        Classification(intent: DefaultIntent.question, confidence: 0.8, category: "orders", categoryConfidence: 0.6, classifier: "topic@test")
    }
    func category(of message: String, inContext context: [Float]) async throws -> (label: String, confidence: Double)? {
        ("billing", 0.7)
    }
}

@Suite struct SmallTalkTests {
    let smallTalk = SmallTalk()

    @Test(arguments: [
        ("hello", SmallTalk.Kind.greeting), ("hi there", .greeting), ("Good morning!", .greeting),
        ("hey, are you a bot?", .identity), ("Hello, I have a question", .opening), ("thanks so much!", .thanks),
        ("ok thanks, bye", .goodbye), ("What can you do?", .capabilities), ("Am I talking to a bot?", .identity),
    ])
    func recognizesSmallTalk(message: String, kind: SmallTalk.Kind) {
        #expect(smallTalk.kind(of: LexiconText(message)) == kind)
    }

    @Test(arguments: ["hi, I was charged twice", "hello I want to talk to a human", "thanks, that worked", "Can I talk to a real person?", "help me reset my password"])
    func aRequestIsNotSmallTalk(message: String) {
        #expect(smallTalk.kind(of: LexiconText(message)) == nil)
    }

    @Test func smallTalkIsAnsweredAndNeverEscalatesWhateverTheClassifierSays() async throws {
        let tickets = try TicketStore.inMemory()
        let assistant = try await AssistantFixtures.assistant(classifier: EscalateEverything(), tickets: tickets)
        var state = ConversationState(customerId: "sam")
        for message in ["hello", "hi there", "hey, are you a bot?", "Hello, I have a question", "thank you!", "bye"] {
            let reply = try await assistant.respond(to: message, state: &state)
            #expect(!reply.escalated, "\(message)")
            #expect(reply.ticket == nil)
            #expect(reply.smallTalk != nil)
            #expect(reply.sources.isEmpty)
        }
        #expect(state.ticket == nil)
        #expect(try await tickets.list().isEmpty)
        try await assistant.memory.prepare()
        #expect(try await assistant.memory.openIssues(for: "sam").isEmpty)
        // The same classifier still escalates a real request.
        #expect(try await assistant.respond(to: "get me a person about my refund", state: &state).escalated)
    }

    @Test func repliesFitTheKind() {
        #expect(SmallTalk.reply(to: .opening).contains("What's your question"))
        #expect(SmallTalk.reply(to: .identity).contains("automated"))
        #expect(SmallTalk.reply(to: .thanks).hasPrefix("You're welcome"))
    }
}

@Suite struct OutOfScopeRoutingTests {
    @Test func aFollowUpIsInScopeWhenItsConversationIs() async throws {
        let assistant = try await AssistantFixtures.assistant(classifier: ScopedInContextClassifier())
        var state = ConversationState(customerId: "terse")
        // The first message has no context: its own score decides.
        let first = try await assistant.respond(to: "I want to cancel my order 5521", state: &state)
        #expect(first.outOfScope == true && first.outOfScopeScore == 0.999)
        // A terse follow-up is read with the conversation: the lower of the two scores stands.
        let followUp = try await assistant.respond(to: "just the order! not my plus membership", state: &state)
        #expect(followUp.outOfScopeScore == 0.5)
        #expect(followUp.outOfScope != true)
    }

    @Test func declineSaysSoAndOffersAPersonWithoutATicket() async throws {
        let assistant = try await AssistantFixtures.assistant(classifier: ScopedClassifier())
        var state = ConversationState(customerId: "ola")
        let reply = try await assistant.respond(to: "what is the weather like outside in Lisbon", state: &state)
        #expect(reply.outOfScope == true)
        #expect(reply.outOfScopeScore == 0.995)
        #expect(!reply.escalated)
        #expect(reply.text == SupportAssistant.outOfScopeAnswer)
        #expect(reply.escalationReasons.isEmpty)   // low confidence and no knowledge match give way to the decline
        // Saying yes to the offer hands off.
        let yes = try await assistant.respond(to: "yes please", state: &state)
        #expect(yes.escalated)
        #expect(yes.ticket != nil)
        #expect(yes.escalationReasons.contains("escalate_intent: the customer accepted the offer of a person"))
    }

    /// One turn through an assistant whose out-of-scope action is `action`.
    func reply(_ message: String, action: AssistantConfiguration.OutOfScope.Action) async throws -> Reply {
        var configuration = AssistantFixtures.configuration
        configuration.outOfScope.action = action
        let assistant = try await AssistantFixtures.assistant(classifier: ScopedClassifier(), configuration: configuration)
        var state = ConversationState(customerId: "pat")
        return try await assistant.respond(to: message, state: &state)
    }

    @Test func handoffOpensATicketWithTheReason() async throws {
        let reply = try await reply("book me a table outside tonight", action: .handoff)
        #expect(reply.escalated)
        #expect(reply.escalationReasons.first?.hasPrefix("out_of_scope: no intent covers this message (score ") == true)
    }

    @Test func offReportsTheScoreOnly() async throws {
        let reply = try await reply("what is the weather like outside", action: .off)
        #expect(reply.outOfScope == false)
        #expect(reply.outOfScopeScore == 0.995)
        #expect(reply.text != SupportAssistant.outOfScopeAnswer)
    }

    @Test func aReplyWithoutTheNewFieldsStillDecodes() throws {
        let reply = Reply(text: "t", intent: "question", confidence: 1, category: nil, categoryConfidence: 0, sources: [], retrieved: [], escalated: false, escalationReasons: [], ticket: nil, memoryRecalled: [], classifier: "c", timings: .init())
        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(reply)) as? [String: Any] ?? [:]
        json.removeValue(forKey: "outOfScopeScore")
        let decoded = try JSONDecoder().decode(Reply.self, from: JSONSerialization.data(withJSONObject: json))
        #expect(decoded.outOfScopeScore == nil && decoded.text == "t")
    }

    @Test func percentilesAndThresholds() {
        let quantiles = OutOfScopeDetector.quantiles((0..<1000).map { Double($0) / 1000 })
        #expect(quantiles.count == 101)
        #expect(abs(OutOfScopeDetector.percentile(0.5, in: quantiles) - 0.5) < 0.01)
        #expect(OutOfScopeDetector.percentile(-1, in: quantiles) == 0)
        let scores = (0..<100).map { Double($0) / 100 }
        let threshold = ClassifierTrainer.threshold(scores: scores, rejecting: 0.05)
        #expect(scores.filter { $0 >= threshold }.count == 5)
    }
}

@Suite struct ConversationStateTests {
    @Test func aLoggedAgentMessageTakesThePlaceOfTheReply() async throws {
        let assistant = try await AssistantFixtures.assistant(classifier: KeywordClassifier([]))
        let session = SupportSession(assistant: assistant, conversationId: "c", customerId: "rae")
        await #expect(throws: SupportKitError.self) { try await session.recordAgentMessage("Hi, how can I help?") }
        _ = try await session.respond(to: "How do I cancel an order before it ships?")
        try await session.recordAgentMessage("You can cancel it from Order history.")
        try await session.recordAgentMessage("It must not have shipped yet.")
        let state = await session.conversation
        #expect(state.turns.last?.reply == "You can cancel it from Order history.\nIt must not have shipped yet.")
        #expect(state.turns.last?.replyIsLogged == true)
        #expect(state.transcript.last == "agent: You can cancel it from Order history.\nIt must not have shipped yet.")
    }

    @Test func aggregatesFollowAppendsAndResolution() {
        var state = ConversationState(customerId: "sol")
        for index in 0..<6 {
            state.append(.init(message: "m\(index)", intent: "problem", category: nil, openProblem: index.isMultiple(of: 2), interactionId: UUID(), reply: "r", escalated: false))
        }
        #expect(state.openProblemCount == 3)
        #expect(state.interactionIds.count == 6)
        #expect(state.firstOpenProblem?.message == "m0")
        state.resolveOpenProblems()
        #expect(state.openProblemCount == 0 && state.turns.allSatisfy { !$0.openProblem })
    }

    @Test func theTicketTranscriptIsBounded() {
        var state = ConversationState(customerId: "tao")
        for index in 0..<120 {
            state.append(.init(message: "m\(index)", intent: "question", category: nil, openProblem: false, interactionId: UUID(), reply: "r\(index)", escalated: false))
        }
        let transcript = state.transcript(limit: 50)
        #expect(transcript.count == 101)
        #expect(transcript.first == "(70 earlier turns not shown)")
        #expect(transcript[1] == "customer: m70")
    }

    @Test func contextWeightingPullsAFollowUpTowardsTheEarlierTopic() async throws {
        let assistant = try await AssistantFixtures.assistant(classifier: KeywordClassifier([]))
        var state = ConversationState(customerId: "uma")
        _ = try await assistant.respond(to: "How do I cancel an order before it ships?", state: &state)
        var turn = SupportAssistant.Turn(text: "and after that?", words: LexiconText("and after that?"))
        try await assistant.buildContext(&turn, state: state)
        #expect(turn.queryVector != SupportAssistant.unit(turn.vector))
        var off = AssistantFixtures.configuration
        off.context.weight = 0
        let plain = try await AssistantFixtures.assistant(classifier: KeywordClassifier([]), configuration: off)
        var alone = SupportAssistant.Turn(text: "and after that?", words: LexiconText("and after that?"))
        try await plain.buildContext(&alone, state: state)
        #expect(alone.queryVector == alone.vector)
    }

    @Test func theCategoryIsReadInContextAndTheIntentFromTheMessage() async throws {
        let assistant = try await AssistantFixtures.assistant(classifier: TopicInContextClassifier())
        var state = ConversationState(customerId: "ivo")
        // The first message has no context: its own category stands.
        let first = try await assistant.respond(to: "Why was my card charged twice?", state: &state)
        #expect(first.category == "orders" && first.categoryConfidence == 0.6)
        let followUp = try await assistant.respond(to: "and how long does that take?", state: &state)
        #expect(followUp.category == "billing" && followUp.categoryConfidence == 0.7)
        #expect(followUp.intent == DefaultIntent.question && followUp.confidence == 0.8)
        // With context off, every message is read alone.
        var off = AssistantFixtures.configuration
        off.context.weight = 0
        let plain = try await AssistantFixtures.assistant(classifier: TopicInContextClassifier(), configuration: off)
        var alone = ConversationState(customerId: "ivo")
        _ = try await plain.respond(to: "Why was my card charged twice?", state: &alone)
        #expect(try await plain.respond(to: "and how long does that take?", state: &alone).category == "orders")
    }
}

@Suite struct LexiconTests {
    let lexicon = SupportLexicon.standard

    @Test func phrasesMatchOnWordBoundaries() {
        #expect(lexicon.securityConcerns(LexiconText("there's an order for a TV I never placed")) == ["never placed"])
        #expect(lexicon.securityConcerns(LexiconText("I placed an order for a TV")).isEmpty)
        #expect(lexicon.reportsPersistence(LexiconText("Still broken!")))
        #expect(!lexicon.reportsPersistence(LexiconText("I distill water")))
        #expect(lexicon.reportsResolution(LexiconText("that worked, thanks")))
        #expect(!lexicon.reportsResolution(LexiconText("it's still not sorted")))
        #expect(lexicon.claimsRepeat(LexiconText("third time I write")))
        #expect(lexicon.isAffirmation(LexiconText("Yes please!")))
    }

    @Test func aTeamLexiconReplacesTheBuiltInOne() async throws {
        var lexicon = SupportLexicon.standard
        lexicon.securityPhrases = ["piratage"]
        // A team writing another language gives the account words a security phrase needs too.
        lexicon.securityContext = ["compte", "carte"]
        let base = try await AssistantFixtures.assistant(classifier: KeywordClassifier([]))
        let assistant = SupportAssistant(
            configuration: base.configuration, embedder: base.embedder, classifier: base.classifier, knowledge: base.knowledge,
            memory: base.memory, tickets: base.tickets, lexicon: lexicon)
        var state = ConversationState(customerId: "vic")
        let reply = try await assistant.respond(to: "piratage de mon compte", state: &state)
        #expect(reply.escalationReasons.contains { $0.hasPrefix("security") })
    }
}

/// Counts the characters it is asked to embed, so a test can see how much work a turn does.
private final class CountingEmbedder: Embedder, Sendable {
    let base = AssistantFixtures.embedder
    let embedded = Mutex(0)
    var fingerprint: EmbedderFingerprint { base.fingerprint }
    var preferredBatchSize: Int { base.preferredBatchSize }
    var tokenCounter: any TokenCounter { base.tokenCounter }
    func embed(_ texts: [String]) async throws -> [[Float]] {
        embedded.withLock { $0 += texts.reduce(0) { $0 + $1.count } }
        return try await base.embed(texts)
    }
}

@Suite struct BoundedTurnTests {
    @Test func aTurnEmbedsTheSameAmountAtTurnTenAndTurnTwoHundred() async throws {
        let counting = CountingEmbedder()
        let base = try await AssistantFixtures.assistant(classifier: KeywordClassifier([("arrive", "problem", 0.9, "orders", 0.9)]))
        let assistant = SupportAssistant(
            configuration: base.configuration, embedder: counting, classifier: base.classifier, knowledge: base.knowledge,
            memory: CustomerMemory(store: InMemoryVectorStore(), embedder: counting, configuration: base.configuration.memory),
            tickets: base.tickets)
        var state = ConversationState(customerId: "wen")
        var costs: [Int: Int] = [:]
        for index in 1...200 {
            let before = counting.embedded.withLock { $0 }
            _ = try await assistant.respond(to: "How do I cancel an order before it ships?", state: &state)
            if index == 10 || index == 200 { costs[index] = counting.embedded.withLock { $0 } - before }
        }
        #expect(costs[10] != nil && costs[10] == costs[200])
        #expect(state.turns.count == 200)
    }
}
