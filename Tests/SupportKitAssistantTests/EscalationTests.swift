import Foundation
import SupportKit
import SupportKitStore
import SupportKitTesting
import Testing
@testable import SupportKitAssistant

@Suite struct EscalationPolicyTests {
    let policy = EscalationPolicy(embedder: AssistantFixtures.embedder.fingerprint)

    func codes(_ signals: EscalationPolicy.Signals) -> [String] {
        policy.decide(signals).reasons.map(\.code.rawValue)
    }

    @Test func calmAnsweredQuestionDoesNotEscalate() {
        let decision = policy.decide(.init(intent: "question", confidence: 0.9, bestKnowledgeScore: 0.6))
        #expect(!decision.escalate)
        #expect(decision.reasons.isEmpty)
    }

    @Test func acceptingAnOfferedPersonAndOutOfScopeAreRulesOfThePolicy() {
        // "yes please" after the offer of a person: the escalate-intent rule, at normal priority.
        let accepted = policy.decide(.init(intent: "feedback", confidence: 0.9, bestKnowledgeScore: 0.6, acceptsHandoff: true))
        #expect(accepted.reasons.map(\.description) == ["escalate_intent: the customer accepted the offer of a person"])
        #expect(accepted.priority == .normal)
        // Out of scope replaces the weak rules; declined, nothing is left; handed off, it is the reason.
        let unplaced = EscalationPolicy.Signals(intent: "question", confidence: 0.1, bestKnowledgeScore: 0.01)
        #expect(codes(unplaced) == ["low_confidence", "no_knowledge_match"])
        var declined = unplaced
        declined.outOfScope = .init(score: 0.999, threshold: 0.99, handoff: false)
        #expect(codes(declined).isEmpty)
        var handedOff = unplaced
        handedOff.outOfScope = .init(score: 0.999, threshold: 0.99, handoff: true)
        let decision = policy.decide(handedOff)
        #expect(decision.reasons.map(\.description) == ["out_of_scope: no intent covers this message (score 1.00, threshold 0.99)"])
        #expect(decision.priority == .normal)
        // A strong rule still stands beside out of scope.
        var angry = declined
        angry.securityConcerns = ["hacked"]
        #expect(codes(angry) == ["security"])
    }

    @Test func everyRuleIsInTheDocsTable() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/assistant.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        for code in EscalationPolicy.Code.allCases {
            #expect(text.contains("| `\(code.rawValue)` |"), "docs/assistant.md's escalation table lacks \(code.rawValue)")
        }
    }

    @Test func escalateIntentRule() {
        let decision = policy.decide(.init(intent: "escalate", confidence: 0.9, bestKnowledgeScore: 0.6))
        #expect(decision.reasons.map(\.code.rawValue) == ["escalate_intent"])
        #expect(decision.reasons[0].description.hasPrefix("escalate_intent: the customer asked for a person"))
        #expect(decision.priority == .normal)
    }

    @Test func escalateIntentNeedsConfidence() {
        // A hesitant "escalate" is the commonest false alarm; below the floor only the low-confidence rule
        // can fire.
        #expect(codes(.init(intent: "escalate", confidence: 0.69, bestKnowledgeScore: 0.6)).isEmpty)
        #expect(codes(.init(intent: "escalate", confidence: 0.7, bestKnowledgeScore: 0.6)) == ["escalate_intent"])
    }

    @Test func securityRule() {
        let decision = policy.decide(.init(intent: "problem", confidence: 0.9, bestKnowledgeScore: 0.6, securityConcerns: ["never placed"]))
        #expect(decision.reasons.map(\.description) == ["security: possible account takeover or fraud: \"never placed\""])
        #expect(decision.priority == .urgent)
        #expect(SupportLexicon.standard.securityConcerns(LexiconText("there's an order for a TV I never placed")) == ["never placed"])
        #expect(SupportLexicon.standard.securityConcerns(LexiconText("I placed an order for a TV")).isEmpty)
    }

    @Test func lowConfidenceRule() {
        let decision = policy.decide(.init(intent: "question", confidence: 0.2, bestKnowledgeScore: 0.6))
        #expect(decision.reasons.map(\.code.rawValue) == ["low_confidence"])
        #expect(decision.reasons[0].detail == "intent question at 0.20 is below 0.30")
        #expect(decision.priority == .low)
    }

    @Test func repeatedProblemRule() {
        #expect(codes(.init(intent: "problem", confidence: 0.9, unresolvedProblemReports: 2, bestKnowledgeScore: 0.6)).isEmpty)
        let decision = policy.decide(.init(intent: "problem", confidence: 0.9, unresolvedProblemReports: 3, bestKnowledgeScore: 0.6))
        #expect(decision.reasons.map(\.code.rawValue) == ["repeated_problem"])
        #expect(decision.reasons[0].detail == "3 unresolved reports of the same problem")
        #expect(decision.priority == .high)
    }

    @Test func frustrationRule() {
        #expect(codes(.init(intent: "problem", confidence: 0.9, frustrationCues: ["shouting"], bestKnowledgeScore: 0.6)).isEmpty)
        let decision = policy.decide(.init(intent: "problem", confidence: 0.9, frustrationCues: ["word \"ridiculous\"", "shouting"], bestKnowledgeScore: 0.6))
        #expect(decision.reasons.map(\.code.rawValue) == ["frustration"])
        #expect(decision.reasons[0].detail == "word \"ridiculous\", shouting")
    }

    @Test func noKnowledgeMatchRule() {
        let decision = policy.decide(.init(intent: "question", confidence: 0.9, bestKnowledgeScore: 0.01))
        #expect(decision.reasons.map(\.code.rawValue) == ["no_knowledge_match"])
        // Feedback needs no article.
        #expect(codes(.init(intent: "feedback", confidence: 0.9, bestKnowledgeScore: 0.01)).isEmpty)
    }

    @Test func longConversationRule() {
        var configuration = AssistantConfiguration.Escalation()
        configuration.maxCustomerMessages = 6
        let guarded = EscalationPolicy(configuration: configuration, embedder: AssistantFixtures.embedder.fingerprint)
        let asked = EscalationPolicy.Signals(intent: "question", confidence: 0.9, bestKnowledgeScore: 0.6)
        var sixth = asked
        sixth.customerMessages = 6
        // Off by default; on, it fires at the sixth message unless that one says the problem is solved.
        #expect(codes(sixth).isEmpty)
        var fifth = sixth
        fifth.customerMessages = 5
        #expect(guarded.decide(fifth).reasons.isEmpty)
        let decision = guarded.decide(sixth)
        #expect(decision.reasons.map(\.description) == ["long_conversation: 6 customer messages in this conversation and the problem is not solved"])
        #expect(decision.priority == .normal)
        var solved = sixth
        solved.reportsResolution = true
        #expect(guarded.decide(solved).reasons.isEmpty)
    }

    @Test func rulesCanBeSwitchedOff() {
        var configuration = AssistantConfiguration.Escalation()
        configuration.minIntentConfidence = 0
        configuration.repeatedProblems = 0
        configuration.frustrationCues = 0
        configuration.intents = []
        configuration.minKnowledgeScore = 0
        let quiet = EscalationPolicy(configuration: configuration, embedder: AssistantFixtures.embedder.fingerprint)
        let decision = quiet.decide(.init(intent: "escalate", confidence: 0.01, unresolvedProblemReports: 9, frustrationCues: ["a", "b", "c"], bestKnowledgeScore: 0))
        #expect(!decision.escalate)
    }

    @Test func frustrationCues() {
        let detector = FrustrationDetector()
        #expect(detector.cues(in: "How do I reset my password?").isEmpty)
        #expect(detector.cues(in: "This is ridiculous, still not working") == ["word \"ridiculous\"", "word \"still not\""])
        #expect(detector.cues(in: "WHERE IS MY REFUND") == ["shouting"])
        #expect(detector.cues(in: "where is my refund!!!") == ["\"!!\""])
        #expect(detector.cues(in: "Where is my refund?", earlierMessages: ["where is my refund"]) == ["repeated message"])
    }
}

@Suite struct AssistantEscalationTests {
    let classifier = KeywordClassifier([
        ("human", "escalate", 0.95, nil, 0),
        ("still", "problem", 0.9, "account", 0.9),
        ("reset link", "problem", 0.9, "account", 0.9),
        ("thanks", "feedback", 0.9, nil, 0),
    ], fallback: ("question", 0.9, nil, 0))

    @Test func repeatedUnresolvedProblemOpensATicket() async throws {
        let tickets = try TicketStore.inMemory()
        let assistant = try await AssistantFixtures.assistant(classifier: classifier, tickets: tickets)
        var state = ConversationState(conversationId: "c", customerId: "frank")
        let first = try await assistant.respond(to: "The password reset link never arrives", state: &state)
        #expect(!first.escalated)
        #expect(first.ticket == nil)
        let second = try await assistant.respond(to: "I tried again and the reset link is still missing", state: &state)
        #expect(!second.escalated)
        let third = try await assistant.respond(to: "Still no email with the reset link", state: &state)
        #expect(third.escalated)
        #expect(third.escalationReasons == ["repeated_problem: 3 unresolved reports of the same problem"])
        let ticket = try #require(third.ticket)
        #expect(ticket.id == "T-00001")
        #expect(ticket.customerId == "frank")
        #expect(ticket.priority == .high)
        #expect(ticket.transcript.count == 5)
        #expect(ticket.transcript.first == "customer: The password reset link never arrives")
        #expect(ticket.transcript.last == "customer: Still no email with the reset link")
        #expect(ticket.summary.hasPrefix("problem [account]: The password reset link never arrives"))
        #expect(third.text.contains("A person will follow up"))
        #expect(third.text.contains("T-00001"))

        // A fourth report escalates again but reuses the conversation's ticket.
        let fourth = try await assistant.respond(to: "still nothing, the reset link never comes", state: &state)
        #expect(fourth.escalated)
        #expect(fourth.ticket?.id == "T-00001")
        #expect(try await tickets.list().count == 1)

        let stored = try #require(try await tickets.ticket(id: "T-00001"))
        #expect(stored == ticket)
        #expect(try await tickets.list().map(\.id) == ["T-00001"])
        #expect(try await tickets.list(customerId: "nobody").isEmpty)
    }

    @Test func resolutionClearsTheProblemCount() async throws {
        let assistant = try await AssistantFixtures.assistant(classifier: classifier)
        var state = ConversationState(customerId: "gina")
        _ = try await assistant.respond(to: "The reset link never arrives", state: &state)
        _ = try await assistant.respond(to: "still nothing", state: &state)
        let thanks = try await assistant.respond(to: "thanks, that worked!", state: &state)
        #expect(!thanks.escalated)
        #expect(thanks.text.contains("Glad"))
        #expect(try await assistant.memory.openIssues(for: "gina").isEmpty)
        let again = try await assistant.respond(to: "still one more thing broke", state: &state)
        #expect(!again.escalated)
    }

    @Test func aConversationThatGoesOnWithoutClosingIsHandedOver() async throws {
        var configuration = AssistantFixtures.configuration
        configuration.escalation.maxCustomerMessages = 3
        let assistant = try await AssistantFixtures.assistant(classifier: classifier, configuration: configuration)
        var state = ConversationState(customerId: "lena")
        let first = try await assistant.respond(to: "How do I reset my password?", state: &state)
        let second = try await assistant.respond(to: "and how do I change my email?", state: &state)
        let third = try await assistant.respond(to: "how do I update my card?", state: &state)
        #expect(!first.escalated && !second.escalated)
        #expect(third.escalated && third.escalationReasons.contains { $0.hasPrefix("long_conversation: 3 customer messages") })
        #expect(third.ticket != nil)
    }

    @Test func askingForAHumanEscalatesAndRecordsReasons() async throws {
        let assistant = try await AssistantFixtures.assistant(classifier: classifier)
        var state = ConversationState(customerId: "hank")
        let reply = try await assistant.respond(to: "Get me a human. This is RIDICULOUS!!!", state: &state)
        #expect(reply.escalated)
        #expect(reply.escalationReasons.map { String($0.prefix { $0 != ":" }) } == ["escalate_intent", "frustration"])
        #expect(reply.ticket?.priority == .urgent)
        #expect(reply.classifier == "keyword@test")
        #expect(reply.timings.total >= 0)
    }

    @Test func noKnowledgeMatchEscalates() async throws {
        let assistant = try await AssistantFixtures.assistant(classifier: classifier)
        var state = ConversationState(customerId: "ivy")
        let reply = try await assistant.respond(to: "zxqv plorb", state: &state)
        #expect(reply.escalated)
        #expect(reply.escalationReasons.first?.hasPrefix("no_knowledge_match") == true)
    }

    @Test func ticketsPersistInSQLite() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/assistant.sqlite"
        let opened = try await TicketStore(path: path).open(customerId: "jo", priority: .urgent, reasons: ["frustration: shouting"], summary: "s", transcript: ["customer: HELP"], at: Date(timeIntervalSince1970: 1_790_000_000))
        let reopened = try TicketStore(path: path)
        #expect(try await reopened.ticket(id: opened.id) == opened)
        let next = try await reopened.open(customerId: "jo", priority: .low, reasons: [], summary: "t", transcript: [])
        #expect(next.id == "T-00002")
        #expect(try await reopened.list(customerId: "jo").map(\.id) == ["T-00002", "T-00001"])
    }
}

@Suite struct FollowUpTests {
    @Test func stillBrokenFollowUpsCountEvenWhenClassifiedAsFeedback() async throws {
        // The classifier calls the follow-ups feedback; they still report the open problem again.
        let classifier = KeywordClassifier([("arrive", "problem", 0.9, "orders", 0.9)], fallback: ("feedback", 0.8, "orders", 0.5))
        let assistant = try await AssistantFixtures.assistant(classifier: classifier)
        var state = ConversationState(customerId: "kim")
        #expect(try await !assistant.respond(to: "My package did not arrive", state: &state).escalated)
        #expect(try await !assistant.respond(to: "Checked again, the package tracking is still empty", state: &state).escalated)
        let third = try await assistant.respond(to: "Still no package at the door", state: &state)
        #expect(third.escalationReasons == ["repeated_problem: 3 unresolved reports of the same problem"])

        var calm = ConversationState(customerId: "lee")
        _ = try await assistant.respond(to: "Great service, thank you", state: &calm)
        #expect(try await !assistant.respond(to: "Another compliment for the team", state: &calm).escalated)
    }

    @Test func followUpsSearchWithThePreviousMessageAndTheLoggedAgentMessage() async throws {
        let assistant = try await AssistantFixtures.assistant(classifier: KeywordClassifier([]))
        let session = SupportSession(assistant: assistant, conversationId: "c", customerId: "max")
        #expect(assistant.retrievalQuery("How do I cancel an order?", state: await session.conversation) == "How do I cancel an order?")
        _ = try await session.respond(to: "How do I cancel an order before it ships?")
        // The assistant's own reply quotes what it found already: it is not searched with.
        #expect(assistant.retrievalQuery("and after it ships?", state: await session.conversation)
                == "and after it ships?\nHow do I cancel an order before it ships?")
        try await session.recordAgentMessage("The Northwind Kettle Pro ships in two days.")
        #expect(assistant.retrievalQuery("ok and does it have a warranty", state: await session.conversation)
                == "ok and does it have a warranty\nHow do I cancel an order before it ships?\nThe Northwind Kettle Pro ships in two days.")
    }

    @Test func withoutContextOnlyShortFollowUpsSearchWithThePreviousMessage() async throws {
        var off = AssistantFixtures.configuration
        off.context.weight = 0
        let assistant = try await AssistantFixtures.assistant(classifier: KeywordClassifier([]), configuration: off)
        var state = ConversationState(customerId: "max")
        _ = try await assistant.respond(to: "How do I cancel an order before it ships?", state: &state)
        #expect(assistant.retrievalQuery("still stuck", state: state) == "How do I cancel an order before it ships?\nstill stuck")
        #expect(assistant.retrievalQuery("How do I change the email on my account?", state: state) == "How do I change the email on my account?")
    }

    @Test func abbreviationsDoNotSplitSentences() {
        #expect(ExtractiveResponder.sentences("Orders placed by 1 p.m. ET ship the same day. Others ship next day.") == [
            "Orders placed by 1 p.m. ET ship the same day.", "Others ship next day.",
        ])
    }
}

@Suite struct CarriedOverIssueTests {
    @Test func anIssueStillOpenFromAnEarlierSessionEscalatesWhenReportedAgain() async throws {
        let classifier = KeywordClassifier([("lid", "problem", 0.9, "orders", 0.9), ("email", "question", 0.9, "account", 0.9)])
        let assistant = try await AssistantFixtures.assistant(classifier: classifier)
        let factory = try SupportAssistantFactory(assistant: assistant)
        let customer = Conversation.Customer(id: "nina", history: [.init(text: "Replacement lid for order 5521 never arrived", intent: "problem", category: "orders", resolved: false)])

        let again = try await factory.makeSession(conversationId: "a", customer: customer, isolatedMemory: true)
        let reply = try await again.respond(to: "the replacement lid still hasn't come")
        #expect(reply.escalationReasons == ["repeated_problem: 3 unresolved reports of the same problem"])
        #expect(reply.text.contains("(ticket T-"))

        // The same customer asking about something else is answered, not escalated.
        let other = try await factory.makeSession(conversationId: "b", customer: customer, isolatedMemory: true)
        let unrelated = try await other.respond(to: "how do I change my email address")
        #expect(!unrelated.escalated)
        #expect(unrelated.text.contains("earlier report is still open"))
    }
}

@Suite struct RepeatClaimTests {
    @Test func sayingItIsTheThirdTimeEscalatesAtOnce() async throws {
        let classifier = KeywordClassifier([("charge", "problem", 0.9, "billing", 0.9)])
        let assistant = try await AssistantFixtures.assistant(classifier: classifier)
        var state = ConversationState(customerId: "omar")
        let reply = try await assistant.respond(to: "This is the third time I'm writing about the same double charge", state: &state)
        #expect(reply.escalationReasons.first?.hasPrefix("repeated_problem") == true)
    }

    @Test func resolutionIsHeardEvenWhenTheIntentIsMisread() async throws {
        let classifier = KeywordClassifier([("charge", "problem", 0.9, "billing", 0.9), ("went through", "problem", 0.6, "billing", 0.9)])
        let assistant = try await AssistantFixtures.assistant(classifier: classifier)
        var state = ConversationState(customerId: "pia")
        _ = try await assistant.respond(to: "the charge on my card failed", state: &state)
        _ = try await assistant.respond(to: "the charge failed again", state: &state)
        let thanks = try await assistant.respond(to: "approved it in my banking app and it went through, merci!", state: &state)
        #expect(!thanks.escalated)
        #expect(try await assistant.memory.openIssues(for: "pia").isEmpty)
    }
}
