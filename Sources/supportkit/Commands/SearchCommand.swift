import ArgumentParser
import Foundation
import SupportKit
import SupportKitStore

struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the knowledge base: ranked chunks with score, title, heading path and source line.")

    @Argument(help: "What to search for.")
    var text: String

    @Option(name: .long, help: "Only chunks of this category.")
    var category: String?

    @Option(name: .short, help: "How many results.")
    var k: Int = 5

    @Flag(name: .long, help: "Fuse dense and full-text (BM25) rankings by reciprocal rank fusion.")
    var hybrid = false

    @Option(name: .long, help: "Collection to search.")
    var collection: String = Collections.knowledge

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard k > 0, k <= 1000 else { throw ValidationError("-k must be between 1 and 1000") }
    }

    func run() async throws {
        try await runReportingErrors {
            let wiring = try Wiring(options: global)
            if let category, !wiring.settings.categories.contains(category) {
                throw SupportKitError(.invalidInput, "unknown category \"\(category)\"; expected one of \(wiring.settings.categories.listed)")
            }
            let database = try wiring.localDatabase()
            let store = try await wiring.makeStore(database: database)
            let lexicalStore = store as? any LexicalSearching
            if hybrid, lexicalStore == nil {
                throw SupportKitError(.invalidInput, "--hybrid needs full-text search, which the VectorAI DB store does not offer; drop --hybrid or use --store sqlite:PATH")
            }
            guard let spec = try await store.collection(named: collection) else {
                throw SupportKitError(.invalidInput, "the store has no collection \"\(collection)\"; run `supportkit ingest corpora/` first")
            }
            let embedder = try wiring.makeEmbedder(database: database)
            try spec.checkCompatible(with: CollectionSpec(name: collection, dimension: embedder.fingerprint.dimension, embedder: embedder.fingerprint))
            let filter = category.map { Filter(must: [FieldMatch(ChunkKey.category, $0)]) }
            let vector = try await embedder.embed(text)
            var hits = try await store.search(vector, in: collection, filter: filter, limit: hybrid ? max(k * 4, 20) : k)
            if hybrid, let lexicalStore {
                let lexical = try await lexicalStore.lexicalSearch(text, in: collection, filter: filter, limit: max(k * 4, 20))
                hits = Array(ReciprocalRankFusion.fuse([hits, lexical]).prefix(k))
            }
            let results = hits.compactMap { hit in Chunk(id: hit.id, payload: hit.payload).map { (hit.score, $0) } }
            if global.json {
                try Terminal.printJSON(["results": results.map { score, chunk in
                    SearchResult(chunk_id: chunk.id.uuidString, doc_id: chunk.docId, title: chunk.title, heading_path: chunk.headingPathText,
                                 category: chunk.category, score: (Double(score) * 10_000).rounded() / 10_000, source: chunk.sourcePath, line: chunk.lineStart,
                                 anchor: chunk.anchor, text: chunk.text)
                }])
                return
            }
            if results.isEmpty { Terminal.message("no results") }
            for (rank, (score, chunk)) in results.enumerated() {
                print(String(format: "%2d. %.3f  %@  [%@]", rank + 1, score, chunk.headingPathText, chunk.category))
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
