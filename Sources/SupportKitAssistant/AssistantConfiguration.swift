import Foundation
import SupportKit

/// Every setting of the support assistant: the `assistant:` section of `supportkit.yaml`.
///
/// Each field has a default chosen by measurement on `corpora/` (see `docs/assistant.md`), so an empty
/// section, or none at all, gives a working assistant. Keys are snake_case in YAML; a key this type does not
/// know is an error (a typo would otherwise silently keep the default).
public struct AssistantConfiguration: Sendable, Hashable, Codable {
    /// How messages are classified into intents and categories.
    public var classifier: Classifier
    /// How the knowledge base is searched.
    public var retrieval: Retrieval
    /// What customer memory keeps and recalls.
    public var memory: Memory
    /// When the assistant hands a conversation to a person.
    public var escalation: Escalation
    /// How answers are written.
    public var responder: Responder
    /// The OpenAI-compatible service used by the `llm` classifier and responder.
    public var llm: LLM
    /// Where tickets are kept.
    public var tickets: Tickets
    /// What happens to messages no intent covers.
    public var outOfScope: OutOfScope
    /// How much of the conversation so far a turn looks at.
    public var context: Context
    /// Changes to the built-in phrase lists (security, frustration, resolution, small talk, ...).
    public var lexicon: Lexicon

    /// Every setting at its default.
    public init() {
        self.init(classifier: Classifier())
    }

    /// An assistant configuration; every part defaults.
    public init(
        classifier: Classifier = Classifier(), retrieval: Retrieval = Retrieval(), memory: Memory = Memory(),
        escalation: Escalation = Escalation(), responder: Responder = Responder(), llm: LLM = LLM(),
        tickets: Tickets = Tickets(), outOfScope: OutOfScope = OutOfScope(), context: Context = Context(),
        lexicon: Lexicon = Lexicon()
    ) {
        self.lexicon = lexicon
        self.outOfScope = outOfScope
        self.context = context
        self.classifier = classifier
        self.retrieval = retrieval
        self.memory = memory
        self.escalation = escalation
        self.responder = responder
        self.llm = llm
        self.tickets = tickets
    }

    /// Classifier settings.
    public struct Classifier: Sendable, Hashable, Codable {
        /// Which classifier answers.
        public enum Kind: String, SettingChoice {
            /// Logistic regression on embeddings (the default).
            case local
            /// A chat model, the local classifier as fallback.
            case llm
        }

        /// `local` (the default) or `llm`.
        public var kind: Kind
        /// The trained local classifier, relative to the working directory.
        public var path: String
        /// The chat model for `kind: llm`.
        public var model: String
        /// L2 regularization strength of the logistic regression.
        public var l2: Double
        /// Folds of the stratified cross-validation run by `supportkit train`.
        public var folds: Int
        /// Classes with fewer training examples than this are reported by `train`.
        public var minExamplesPerClass: Int
        /// L-BFGS iteration cap per fit.
        public var maxIterations: Int
        /// Hashed word and word-pair buckets appended to the embedding (0 turns them off).
        public var hashedWords: Int
        /// Weight of the word block relative to the unit-length embedding.
        public var wordWeight: Double
        /// Word-block weight for the category head (0: embedding only).
        public var categoryWordWeight: Double

        /// Classifier settings; every value defaults.
        public init(
            kind: Kind = .local, path: String = ".supportkit/classifier.json", model: String = "gpt-4o-mini",
            l2: Double = 1e-5, folds: Int = 5, minExamplesPerClass: Int = 8, maxIterations: Int = 200,
            hashedWords: Int = 2048, wordWeight: Double = 1, categoryWordWeight: Double = 0
        ) {
            self.categoryWordWeight = categoryWordWeight
            self.hashedWords = hashedWords
            self.wordWeight = wordWeight
            self.kind = kind
            self.path = path
            self.model = model
            self.l2 = l2
            self.folds = folds
            self.minExamplesPerClass = minExamplesPerClass
            self.maxIterations = maxIterations
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case kind, path, model, l2, folds
            case minExamplesPerClass = "min_examples_per_class"
            case maxIterations = "max_iterations"
            case hashedWords = "hashed_words"
            case wordWeight = "word_weight"
            case categoryWordWeight = "category_word_weight"
        }
    }

    /// Retrieval settings.
    public struct Retrieval: Sendable, Hashable, Codable {
        /// Chunks returned per message.
        public var k: Int
        /// The category filter is applied only when the category's probability is at least this.
        public var categoryFilterThreshold: Double
        /// Fuse dense search with the store's BM25 ranking (when the store supports it).
        public var hybrid: Bool
        /// The reciprocal rank fusion constant.
        public var rrfK: Int
        /// How many candidates each ranking contributes to the fusion.
        public var candidates: Int
        /// Weight of the document's best facet (title or tag) similarity in a chunk's ranking score:
        /// `(1 - w) * chunk similarity + w * facet similarity`. 0 ranks by the chunk alone.
        public var facetWeight: Double

        /// Retrieval settings; every value defaults.
        public init(
            k: Int = 10, categoryFilterThreshold: Double = 1.0, hybrid: Bool = true, rrfK: Int = 60, candidates: Int = 30,
            facetWeight: Double = 0.5
        ) {
            self.k = k
            self.categoryFilterThreshold = categoryFilterThreshold
            self.hybrid = hybrid
            self.rrfK = rrfK
            self.candidates = candidates
            self.facetWeight = facetWeight
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case k, hybrid, candidates
            case categoryFilterThreshold = "category_filter_threshold"
            case rrfK = "rrf_k"
            case facetWeight = "facet_weight"
        }
    }

    /// Customer memory settings.
    public struct Memory: Sendable, Hashable, Codable {
        /// Past interactions recalled per message, by similarity.
        public var recallLimit: Int
        /// Open issues recalled per message, the most recent first: what the assistant knows is still wrong,
        /// whatever the message says, bounded so that a turn costs the same however many are open.
        public var openIssueLimit: Int
        /// A past interaction is recalled only when its similarity to the message is at least this.
        public var minRecallScore: Double
        /// Interactions kept per customer; beyond it the oldest resolved ones are pruned first.
        public var maxInteractionsPerCustomer: Int

        /// Memory settings; every value defaults.
        public init(recallLimit: Int = 3, openIssueLimit: Int = 10, minRecallScore: Double = 0.2, maxInteractionsPerCustomer: Int = 200) {
            self.recallLimit = recallLimit
            self.openIssueLimit = openIssueLimit
            self.minRecallScore = minRecallScore
            self.maxInteractionsPerCustomer = maxInteractionsPerCustomer
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case recallLimit = "recall_limit"
            case openIssueLimit = "open_issue_limit"
            case minRecallScore = "min_recall_score"
            case maxInteractionsPerCustomer = "max_interactions_per_customer"
        }
    }

    /// Escalation policy settings; each rule can be switched off.
    public struct Escalation: Sendable, Hashable, Codable {
        /// Intents that hand off.
        public var intents: [String]
        /// ...but only when predicted with at least this probability (a misread "escalate" is the commonest
        /// false alarm).
        public var minEscalateConfidence: Double
        /// Escalate messages that suggest an account takeover or fraud.
        public var security: Bool
        /// Escalate when the intent's probability is below this (0 disables the rule).
        public var minIntentConfidence: Double
        /// Escalate when this many unresolved problem reports on one topic pile up, counting the current
        /// message, earlier ones in the conversation and open issues in memory (0 disables the rule).
        public var repeatedProblems: Int
        /// Escalate when the message shows at least this many frustration cues (0 disables the rule).
        public var frustrationCues: Int
        /// Escalate a question, problem or action when no knowledge chunk scores at least this (cosine);
        /// nil picks a value for the embedder (see `defaultMinKnowledgeScore(for:)`).
        public var minKnowledgeScore: Double?
        /// Intents for which a missing knowledge-base match counts (feedback needs no article).
        public var knowledgeIntents: [String]
        /// Hand the conversation to a person once the customer has written this many messages in it and the latest
        /// does not say the problem is solved: a guard against conversations the assistant keeps going without
        /// closing (0, the default, disables the rule).
        public var maxCustomerMessages = 0

        /// Escalation settings; every value defaults.
        public init(
            intents: [String] = [DefaultIntent.escalate], minEscalateConfidence: Double = 0.7, security: Bool = true,
            minIntentConfidence: Double = 0.3, repeatedProblems: Int = 3,
            frustrationCues: Int = 2, minKnowledgeScore: Double? = nil,
            knowledgeIntents: [String] = [DefaultIntent.question, DefaultIntent.problem, DefaultIntent.action]
        ) {
            self.intents = intents
            self.minEscalateConfidence = minEscalateConfidence
            self.security = security
            self.minIntentConfidence = minIntentConfidence
            self.repeatedProblems = repeatedProblems
            self.frustrationCues = frustrationCues
            self.minKnowledgeScore = minKnowledgeScore
            self.knowledgeIntents = knowledgeIntents
        }

        /// The knowledge-score floor used when `minKnowledgeScore` is not set: cosine scales differ by
        /// embedder (hashed word features score far lower than sentence embeddings for the same match).
        public static func defaultMinKnowledgeScore(for embedder: EmbedderFingerprint) -> Double {
            switch embedder.name {
            case "lexical": 0.10
            // The reduced-precision variants keep fp32's cosines to within 0.001.
            case "minilm", "minilm:bf16", "minilm:int8": 0.30
            default: 0.2
            }
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case intents, security
            case minEscalateConfidence = "min_escalate_confidence"
            case minIntentConfidence = "min_intent_confidence"
            case repeatedProblems = "repeated_problems"
            case frustrationCues = "frustration_cues"
            case minKnowledgeScore = "min_knowledge_score"
            case knowledgeIntents = "knowledge_intents"
            case maxCustomerMessages = "max_customer_messages"
        }
    }

    /// Answer-writing settings.
    public struct Responder: Sendable, Hashable, Codable {
        /// What writes answers.
        public enum Kind: String, SettingChoice {
            /// Sentences quoted from the best chunks (the default).
            case extractive
            /// A chat model, the extractive answer as fallback.
            case llm
        }

        /// `extractive` (the default) or `llm`.
        public var kind: Kind
        /// The chat model for `kind: llm`.
        public var model: String
        /// Sentences an extractive answer quotes at most.
        public var maxSentences: Int
        /// Documents cited at most.
        public var maxSources: Int
        /// Ask which article is meant when the two best documents' similarities are within this (0: never ask).
        public var clarifyMargin: Double
        /// ...and the best one scores below this (a clear match is answered without asking).
        public var clarifyBelow: Double

        /// Responder settings; every value defaults.
        public init(kind: Kind = .extractive, model: String = "gpt-4o-mini", maxSentences: Int = 3, maxSources: Int = 2, clarifyMargin: Double = 0.02, clarifyBelow: Double = 0.6) {
            self.clarifyMargin = clarifyMargin
            self.clarifyBelow = clarifyBelow
            self.kind = kind
            self.model = model
            self.maxSentences = maxSentences
            self.maxSources = maxSources
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case kind, model
            case maxSentences = "max_sentences"
            case maxSources = "max_sources"
            case clarifyMargin = "clarify_margin"
            case clarifyBelow = "clarify_below"
        }
    }

    /// OpenAI-compatible service settings. The key only ever comes from `OPENAI_API_KEY`.
    public struct LLM: Sendable, Hashable, Codable {
        /// How a JSON answer (the classifier's, the judge's) is asked for.
        public enum StructuredOutput: String, SettingChoice {
            /// `response_format: {"type": "json_object"}`: OpenAI's JSON mode; the labels are only asked for.
            case jsonObject = "json_object"
            /// `response_format: {"type": "json_schema", ...}`: OpenAI's structured outputs; the answer must match a
            /// schema whose labels are enums.
            case jsonSchema = "json_schema"
            /// `response_format: {"type": "json_object", "schema": ...}`: llama.cpp servers (llama-cpp-python)
            /// compile the schema into a grammar, so even a small local model can only write valid labels.
            case grammar
            /// No `response_format`: for services that reject it; the JSON is found in the text.
            case none
        }

        /// Overrides `OPENAI_BASE_URL` (default `https://api.openai.com/v1`).
        public var baseURL: String?
        /// Total deadline per request, in seconds (not an idle timeout), including the wait for a free slot.
        public var timeoutSeconds: Double
        /// The response cache; repeated requests are answered from it.
        public var cachePath: String
        /// Sampling temperature sent with every request.
        public var temperature: Double
        /// How JSON answers are asked for.
        public var structuredOutput: StructuredOutput
        /// Requests in flight to the service at most; nil for 1 on a loopback service, 8 elsewhere.
        public var maxConcurrentRequests: Int?
        /// The model's context window in tokens: the responder's prompt (articles, memory) is cut to fit it with
        /// room for the answer.
        public var contextTokens: Int
        /// The most tokens an answer may have.
        public var maxTokens: Int
        /// `frequency_penalty` sent with answers, against loops; 0 sends none.
        public var frequencyPenalty: Double
        /// `seed` sent with every request, so a service that samples (temperature above 0) answers the same prompt
        /// the same way run after run (llama.cpp exactly, OpenAI on a best-effort basis); nil sends none.
        public var seed: Int?

        /// LLM settings; every value defaults.
        public init(baseURL: String? = nil, timeoutSeconds: Double = 20, cachePath: String = ".supportkit/llm-cache.sqlite", temperature: Double = 0,
                    structuredOutput: StructuredOutput = .jsonObject, maxConcurrentRequests: Int? = nil, contextTokens: Int = 8192,
                    maxTokens: Int = 350, frequencyPenalty: Double = 0.3) {
            self.baseURL = baseURL
            self.timeoutSeconds = timeoutSeconds
            self.cachePath = cachePath
            self.temperature = temperature
            self.structuredOutput = structuredOutput
            self.maxConcurrentRequests = maxConcurrentRequests
            self.contextTokens = contextTokens
            self.maxTokens = maxTokens
            self.frequencyPenalty = frequencyPenalty
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case baseURL = "base_url"
            case timeoutSeconds = "timeout_seconds"
            case cachePath = "cache_path"
            case temperature
            case structuredOutput = "structured_output"
            case maxConcurrentRequests = "max_concurrent_requests"
            case contextTokens = "context_tokens"
            case maxTokens = "max_tokens"
            case frequencyPenalty = "frequency_penalty"
            case seed
        }
    }

    /// Ticket settings.
    public struct Tickets: Sendable, Hashable, Codable {
        /// The SQLite database holding tickets.
        public var path: String

        /// Ticket settings; every value defaults.
        public init(path: String = ".supportkit/assistant.sqlite") {
            self.path = path
        }

        enum CodingKeys: String, CodingKey, CaseIterable { case path }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case classifier, retrieval, memory, escalation, responder, llm, tickets, context, lexicon
        case outOfScope = "out_of_scope"
    }

    /// The keys each part of the section accepts, for the unknown-key check.
    public static let knownKeys: [String: Set<String>] = [
        "": Set(CodingKeys.allCases.map(\.rawValue)),
        "classifier": Set(Classifier.CodingKeys.allCases.map(\.rawValue)),
        "retrieval": Set(Retrieval.CodingKeys.allCases.map(\.rawValue)),
        "memory": Set(Memory.CodingKeys.allCases.map(\.rawValue)),
        "escalation": Set(Escalation.CodingKeys.allCases.map(\.rawValue)),
        "responder": Set(Responder.CodingKeys.allCases.map(\.rawValue)),
        "llm": Set(LLM.CodingKeys.allCases.map(\.rawValue)),
        "tickets": Set(Tickets.CodingKeys.allCases.map(\.rawValue)),
        "out_of_scope": Set(OutOfScope.CodingKeys.allCases.map(\.rawValue)),
        "context": Set(Context.CodingKeys.allCases.map(\.rawValue)),
        "lexicon": Set(Lexicon.CodingKeys.allCases.map(\.rawValue)),
    ]

    /// Checks values that decode fine but cannot work.
    /// - Throws: ``SettingProblem`` naming the setting.
    public func validate() throws(SettingProblem) {
        func fail(_ key: String, _ problem: String) throws(SettingProblem) -> Never {
            throw SettingProblem(key, problem)
        }
        if classifier.folds < 2 { try fail("classifier.folds", "must be at least 2") }
        if classifier.l2 < 0 { try fail("classifier.l2", "must not be negative") }
        if classifier.hashedWords < 0 { try fail("classifier.hashed_words", "must not be negative") }
        if classifier.wordWeight <= 0 { try fail("classifier.word_weight", "must be positive") }
        if classifier.categoryWordWeight < 0 { try fail("classifier.category_word_weight", "must not be negative") }
        if retrieval.k < 1 { try fail("retrieval.k", "must be at least 1") }
        if retrieval.rrfK < 1 { try fail("retrieval.rrf_k", "must be at least 1") }
        if !(0...1).contains(retrieval.facetWeight) { try fail("retrieval.facet_weight", "must be between 0 and 1") }
        if !(0...1).contains(retrieval.categoryFilterThreshold) { try fail("retrieval.category_filter_threshold", "must be between 0 and 1") }
        if !(0...1).contains(escalation.minEscalateConfidence) { try fail("escalation.min_escalate_confidence", "must be between 0 and 1") }
        if !(0...1).contains(escalation.minIntentConfidence) { try fail("escalation.min_intent_confidence", "must be between 0 and 1") }
        if escalation.maxCustomerMessages < 0 { try fail("escalation.max_customer_messages", "must not be negative (0 turns the rule off)") }
        if memory.openIssueLimit < 0 { try fail("memory.open_issue_limit", "must be at least 0") }
        if memory.maxInteractionsPerCustomer < 1 { try fail("memory.max_interactions_per_customer", "must be at least 1") }
        if !(0..<1).contains(outOfScope.rejectionRate) { try fail("out_of_scope.rejection_rate", "must be at least 0 and below 1") }
        if let threshold = outOfScope.threshold, !(0...1).contains(threshold) { try fail("out_of_scope.threshold", "must be between 0 and 1") }
        if context.turns < 0 { try fail("context.turns", "must not be negative") }
        if context.weight < 0 { try fail("context.weight", "must not be negative") }
        if context.repeatWindow < 0 { try fail("context.repeat_window", "must not be negative") }
        if context.transcriptTurns < 1 { try fail("context.transcript_turns", "must be at least 1") }
        if llm.timeoutSeconds <= 0 { try fail("llm.timeout_seconds", "must be positive") }
        if let limit = llm.maxConcurrentRequests, limit < 1 { try fail("llm.max_concurrent_requests", "must be at least 1") }
        if llm.maxTokens < 16 { try fail("llm.max_tokens", "must be at least 16") }
        if llm.contextTokens < llm.maxTokens + 256 { try fail("llm.context_tokens", "must leave at least 256 tokens of prompt beside llm.max_tokens (\(llm.maxTokens))") }
        if !(-2...2).contains(llm.frequencyPenalty) { try fail("llm.frequency_penalty", "must be between -2 and 2") }
    }
}
