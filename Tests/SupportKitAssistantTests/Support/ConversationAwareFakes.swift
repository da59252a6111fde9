import Foundation
import Testing
import SupportKit
import SupportKitStore
import Synchronization
@testable import SupportKitAssistant

/// A classifier that calls everything `escalate` with high confidence: small talk must still never escalate.
struct EscalateEverything: IntentClassifier {
    var fingerprint: String { "escalate@test" }
    var intentLabels: [String] { DefaultIntent.all }
    var categoryLabels: [String] { [] }
    var trainingTexts: [String] { [] }
    func classify(_ message: String, embedding: [Float]) async throws -> Classification {
        Classification(intent: DefaultIntent.escalate, confidence: 0.99, category: nil, categoryConfidence: 0, classifier: "escalate@test")
    }
}

/// A classifier whose out-of-scope score is high for messages containing `outside`.
struct ScopedClassifier: IntentClassifier {
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
struct ScopedInContextClassifier: IntentClassifier {
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
struct TopicInContextClassifier: IntentClassifier {
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

/// Counts the characters it is asked to embed, so a test can see how much work a turn does.
final class CountingEmbedder: Embedder, Sendable {
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
