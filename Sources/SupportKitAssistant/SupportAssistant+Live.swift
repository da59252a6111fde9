import Foundation
import Logging
import SupportKit

extension SupportAssistant {
    /// Files the live assistant keeps beside the store.
    public struct Paths: Sendable, Hashable {
        /// The trained local classifier (JSON).
        public var classifier: String
        /// The ticket database.
        public var tickets: String
        /// The LLM response cache.
        public var llmCache: String

        public init(classifier: String, tickets: String, llmCache: String) {
            self.classifier = classifier
            self.tickets = tickets
            self.llmCache = llmCache
        }

        /// The configured paths, except that settings left at their default move into `stateFolder`
        /// (the folder of the store), so a store at `other/store.sqlite` keeps its classifier beside it.
        public static func resolve(_ configuration: AssistantConfiguration, stateFolder: String) -> Paths {
            func place(_ configured: String, default defaultValue: String) -> String {
                configured == defaultValue ? (stateFolder as NSString).appendingPathComponent((defaultValue as NSString).lastPathComponent) : configured
            }
            return Paths(
                classifier: place(configuration.classifier.path, default: AssistantConfiguration.Classifier().path),
                tickets: place(configuration.tickets.path, default: AssistantConfiguration.Tickets().path),
                llmCache: place(configuration.llm.cachePath, default: AssistantConfiguration.LLM().cachePath))
        }
    }

    /// The assistant as the CLI and server run it: knowledge and memory in `store`, the trained classifier
    /// from `paths.classifier`, tickets in SQLite, and the LLM options when configured.
    ///
    /// - Parameters:
    ///   - store: holds `support_knowledge` (from `supportkit ingest`) and `customer_context` (memory).
    ///   - embedder: the embedder the knowledge base was ingested with and the classifier trained on.
    ///   - environment: where `OPENAI_BASE_URL` and `OPENAI_API_KEY` are read for the LLM options.
    /// - Throws: `SupportKitError` when the knowledge base is missing or from another embedder, when no
    ///   classifier was trained (with the command to run), or when a database cannot be opened.
    public static func makeLive(
        store: any VectorStore, embedder: any Embedder, configuration: AssistantConfiguration, paths: Paths,
        environment: [String: String],
        logger: Logger = Logger(label: "supportkit.assistant")
    ) async throws -> SupportAssistant {
        do {
            try configuration.validate()
        } catch {
            throw SupportKitError(.invalidInput, "assistant.\(error.key): \(error.problem)")
        }
        guard let spec = try await store.collection(named: Collections.knowledge) else {
            throw SupportKitError(.invalidInput, "the store has no knowledge base yet; run `supportkit ingest corpora/` first")
        }
        try spec.checkCompatible(with: .knowledge(Collections.knowledge, embedder: embedder.fingerprint))
        let local = try LocalIntentClassifier.load(from: paths.classifier, embedder: embedder.fingerprint)
        var cache: LLMResponseCache?
        if configuration.classifier.kind == .llm || configuration.responder.kind == .llm {
            cache = try LLMResponseCache(path: paths.llmCache)
        }
        let classifier: any IntentClassifier
        if configuration.classifier.kind == .llm {
            let client = try ChatCompletionsClient.fromEnvironment(configuration.llm, environment: environment, cache: cache)
            classifier = LLMIntentClassifier(client: client, model: configuration.classifier.model, fallback: local, logger: logger)
        } else {
            classifier = local
        }
        let responder: any Responder
        if configuration.responder.kind == .llm {
            let client = try ChatCompletionsClient.fromEnvironment(configuration.llm, environment: environment, cache: cache)
            responder = LLMResponder(client: client, model: configuration.responder.model, fallback: ExtractiveResponder(configuration: configuration.responder), settings: configuration.llm, logger: logger)
        } else {
            responder = ExtractiveResponder(configuration: configuration.responder)
        }
        let memory = CustomerMemory(store: store, embedder: embedder, configuration: configuration.memory)
        try await memory.prepare()
        return SupportAssistant(
            configuration: configuration, embedder: embedder, classifier: classifier,
            knowledge: KnowledgeBase(store: store, configuration: configuration.retrieval),
            memory: memory, tickets: try TicketStore(path: paths.tickets), responder: responder, logger: logger)
    }
}
