import ArgumentParser
import Foundation
import SupportKit
import SupportKitAssistant
import SupportKitStore

struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the knowledge base: ranked chunks with score, title, heading path and source line.",
        discussion: """
            Ranks as the assistant does: each chunk by its similarity to the text, weighed with the best match \
            among its article's title and tags (retrieval.facet_weight in supportkit.yaml, default 0.5; \
            --facet-weight 0 ranks by the chunk alone). --hybrid also fuses the full-text (BM25) ranking.
            """)

    @Argument(help: "What to search for.")
    var text: String

    @Option(name: .long, help: "Only chunks of this category.")
    var category: String?

    @Option(name: .short, help: "How many results.")
    var k: Int = 5

    @Flag(name: .long, help: "Fuse dense and full-text (BM25) rankings by reciprocal rank fusion.")
    var hybrid = false

    @Option(name: .long, help: "Weight of the article's title/tag match in the score, 0-1 (default: retrieval.facet_weight, 0.5).")
    var facetWeight: Double?

    @Option(name: .long, help: "Collection to search.")
    var collection: String = Collections.knowledge

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard k > 0, k <= 1000 else { throw ValidationError("-k must be between 1 and 1000") }
        if let facetWeight, !(0...1).contains(facetWeight) { throw ValidationError("--facet-weight must be between 0 and 1") }
    }

    func run() async throws {
        try await runReportingErrors {
            let wiring = try Wiring(options: global)
            if let category, !wiring.settings.categories.contains(category) {
                throw SupportKitError(.invalidInput, "unknown category \"\(category)\"; expected one of \(wiring.settings.categories.listed)")
            }
            let database = try wiring.localDatabase()
            let store = try await wiring.makeStore(database: database)
            if hybrid, !(store is any LexicalSearching) {
                throw SupportKitError(.invalidInput, "--hybrid needs full-text search, which the VectorAI DB store does not offer; drop --hybrid or use --store sqlite:PATH")
            }
            guard let spec = try await store.collection(named: collection) else {
                throw SupportKitError(.invalidInput, "the store has no collection \"\(collection)\"; run `supportkit ingest corpora/` first")
            }
            let embedder = try wiring.makeEmbedder(database: database)
            try spec.checkCompatible(with: .knowledge(collection, embedder: embedder.fingerprint))
            var retrieval = try wiring.assistantConfiguration().retrieval
            retrieval.k = k
            retrieval.hybrid = hybrid
            retrieval.candidates = max(retrieval.candidates, k * 4)
            if let facetWeight { retrieval.facetWeight = facetWeight }
            let knowledge = KnowledgeBase(store: store, configuration: retrieval, collection: collection)
            let vector = try await embedder.embed(text)
            let hits = try await knowledge.search(text, vector: vector, category: category, categoryConfidence: 1).hits
            if global.json {
                try Terminal.printJSON(["results": hits.map { hit in
                    let chunk = hit.chunk
                    return SearchResult(
                        chunk_id: chunk.id.uuidString, doc_id: chunk.docId, title: chunk.title, heading_path: chunk.headingPathText,
                        category: chunk.category, score: (hit.score * 10_000).rounded() / 10_000, source: chunk.sourcePath, line: chunk.lineStart,
                        anchor: chunk.anchor, text: chunk.text)
                }])
                return
            }
            if hits.isEmpty { Terminal.message("no results") }
            for (rank, hit) in hits.enumerated() {
                let chunk = hit.chunk
                print(String(format: "%2d. %.3f  %@  [%@]", rank + 1, hit.score, chunk.headingPathText, chunk.category))
                print("    \(chunk.sourcePath):\(chunk.lineStart)  \(chunk.anchor)")
                let preview = chunk.text.replacingOccurrences(of: "\n", with: " ")
                print("    " + (preview.count > 160 ? String(preview.prefix(157)) + "..." : preview))
            }
        }
    }
}

struct SearchResult: Encodable {
    var chunk_id: String
    var doc_id: String
    var title: String
    var heading_path: String
    var category: String
    var score: Double
    var source: String
    var line: Int
    var anchor: String
    var text: String
}
