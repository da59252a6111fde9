import Foundation
import SupportKit
import SupportKitAssistant
import SupportKitStore

extension Wiring {
    /// The assistant's settings: the `assistant:` section of the settings file.
    func assistantConfiguration() throws -> AssistantConfiguration {
        try AssistantConfiguration(settings: settingsFile)
    }

    /// Classifier, tickets and LLM cache paths beside the store.
    func assistantPaths(_ configuration: AssistantConfiguration) -> SupportAssistant.Paths {
        SupportAssistant.Paths.resolve(configuration, stateFolder: location.stateFolder)
    }

    /// The live assistant over the configured store and the embedder the knowledge base was built with.
    func makeAssistant() async throws -> SupportAssistant {
        let configuration = try assistantConfiguration()
        let database = try localDatabase()
        let store = try await makeStore(database: database)
        let embedder = try await makeEmbedder(database: database, store: store)
        return try await SupportAssistant.makeLive(
            store: store, embedder: embedder, configuration: configuration, paths: assistantPaths(configuration), environment: environment, logger: logger)
    }

    /// A search of `collection` ranked as the assistant ranks, with `assistant.retrieval` settings overridden by
    /// the search flags; throws when the collection does not exist or holds another embedder's vectors.
    /// The knowledge base as the assistant retrieves from it (`assistant.retrieval`), with `k` results; `hybrid`
    /// and `facetWeight` override the settings when given.
    func makeKnowledgeSearch(collection: String, k: Int, hybrid: Bool?, facetWeight: Double?) async throws -> KnowledgeSearch {
        let database = try localDatabase()
        let store = try await makeStore(database: database)
        if hybrid == true, !(store is any LexicalSearching) {
            throw SupportKitError(.invalidInput, "--hybrid needs full-text search, which the VectorAI DB store does not offer; drop --hybrid or use --store sqlite:PATH")
        }
        guard let spec = try await store.collection(named: collection) else {
            throw SupportKitError(.invalidInput, "the store has no collection \"\(collection)\"; run `supportkit ingest corpora/` first")
        }
        let embedder = try await makeEmbedder(database: database, store: store, collection: collection)
        try spec.checkCompatible(with: .knowledge(collection, embedder: embedder.fingerprint))
        var retrieval = try assistantConfiguration().retrieval
        retrieval.k = k
        if let hybrid { retrieval.hybrid = hybrid }
        retrieval.candidates = max(retrieval.candidates, k * 4)
        if let facetWeight { retrieval.facetWeight = facetWeight }
        return KnowledgeSearch(knowledge: KnowledgeBase(store: store, configuration: retrieval, collection: collection), embedder: embedder)
    }
}

/// A knowledge base with the embedder its collection was built with: `search` is the `supportkit search` entry point.
struct KnowledgeSearch {
    var knowledge: KnowledgeBase
    var embedder: any Embedder

    /// The ranked chunks for `text`, only of `category` when given.
    func search(_ text: String, category: String?) async throws -> [KnowledgeBase.Hit] {
        let vector = try await embedder.embed(text)
        return try await knowledge.search(text, vector: vector, category: category, categoryConfidence: 1).hits
    }
}
