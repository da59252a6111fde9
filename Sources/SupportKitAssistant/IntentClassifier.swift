import SupportKit

/// What a classifier says about one message.
public struct Classification: Sendable, Hashable, Codable {
    /// The predicted intent.
    public var intent: String
    /// Calibrated probability of `intent`.
    public var confidence: Double
    /// The predicted category, when the classifier has a category head.
    public var category: String?
    /// Calibrated probability of `category` (0 when there is none).
    public var categoryConfidence: Double
    /// Which classifier decided, recorded in `Reply.classifier`: `logreg@1:9f2c…`, or
    /// `llm:MODEL`, or `llm:MODEL (fallback: logreg@1:9f2c…; timeout)`.
    public var classifier: String
    /// How unlike the classifier's training examples the message is, 0 to 1 (nil when the classifier has no
    /// out-of-scope detector).
    public var outOfScopeScore: Double?
    /// The score from which the message counts as out of scope.
    public var outOfScopeThreshold: Double?

    /// Whether the detector places the message outside every intent.
    public var isOutOfScope: Bool {
        guard let score = outOfScopeScore, let threshold = outOfScopeThreshold else { return false }
        return score >= threshold
    }

    /// A classification; `categoryConfidence` is 0 when there is no category.
    public init(intent: String, confidence: Double, category: String?, categoryConfidence: Double, classifier: String) {
        self.intent = intent
        self.confidence = confidence
        self.category = category
        self.categoryConfidence = categoryConfidence
        self.classifier = classifier
    }
}

/// Decides a message's intent and category.
///
/// The assistant embeds each message once and passes the vector along, so a classifier working on
/// embeddings never embeds twice.
public protocol IntentClassifier: Sendable {
    /// Identifies the trained model or service, for replies and eval runs.
    var fingerprint: String { get }
    /// The intents this classifier can return.
    var intentLabels: [String] { get }
    /// The categories this classifier can return (empty when it has no category head).
    var categoryLabels: [String] { get }
    /// The texts the classifier was trained on (empty when unknown); evaluation warns when its messages
    /// repeat them, since that inflates intent accuracy.
    var trainingTexts: [String] { get }
    /// Classifies `message`, whose embedding is `embedding`.
    func classify(_ message: String, embedding: [Float]) async throws -> Classification
    /// Classifies `message` without calling a remote model: for turns decided before any model is needed (small
    /// talk). A local classifier answers as `classify` does.
    func classifyWithoutModel(_ message: String, embedding: [Float]) async throws -> Classification
    /// The category of `message` read with its conversation: `context` is the message's embedding with the
    /// earlier turns folded in (the vector the knowledge base is searched with). Nil when the classifier cannot
    /// use it, and the message's own category stands.
    func category(of message: String, inContext context: [Float]) async throws -> (label: String, confidence: Double)?
    /// The out-of-scope score of the message read with its conversation (`context`, as for `category(of:inContext:)`),
    /// whose best intent has probability `confidence`; nil when the classifier has no detector.
    func outOfScopeScore(inContext context: [Float], confidence: Double) -> Double?
}

extension IntentClassifier {
    public func outOfScopeScore(inContext context: [Float], confidence: Double) -> Double? { nil }

    public func classifyWithoutModel(_ message: String, embedding: [Float]) async throws -> Classification {
        try await classify(message, embedding: embedding)
    }

    public func category(of message: String, inContext context: [Float]) async throws -> (label: String, confidence: Double)? {
        nil
    }
}
