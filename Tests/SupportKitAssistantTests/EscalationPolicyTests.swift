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
