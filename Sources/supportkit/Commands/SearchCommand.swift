import ArgumentParser
import Foundation
import SupportKit
import SupportKitAssistant

struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the knowledge base: ranked chunks with score, title, heading path and source line.",
        discussion: """
            Ranks as the assistant retrieves: each chunk by its similarity to the text, weighed with the best match \
            among its article's title and tags (assistant.retrieval.facet_weight in supportkit.yaml, default 0.5; \
            --facet-weight 0 ranks by the chunk alone), fused with the full-text (BM25) ranking when \
            assistant.retrieval.hybrid is on (the default; --dense ranks by embeddings only). \
            Without --embedder, the text is embedded with the embedder the collection was built with.
            """)

    @Argument(help: "What to search for.")
    var text: String

    @Option(name: .long, help: "Only chunks of this category.")
    var category: String?

    @Option(name: .short, help: "How many results.")
    var k: Int = 5

    @Flag(name: .long, help: "Fuse dense and full-text (BM25) rankings even when assistant.retrieval.hybrid is off (the default is what the assistant does).")
    var hybrid = false

    @Flag(name: .long, help: "Rank by embeddings (and facets) only, without the full-text (BM25) fusion the assistant uses by default.")
    var dense = false

    @Option(name: .long, help: "Weight of the article's title/tag match in the score, 0-1 (default: retrieval.facet_weight, 0.5).")
    var facetWeight: Double?

    @Option(name: .long, help: "Collection to search.")
    var collection: String = Collections.knowledge

    @OptionGroup var global: GlobalOptions

    @OptionGroup var format: OutputOptions

    func validate() throws {
        guard k > 0, k <= 1000 else { throw ValidationError("-k must be between 1 and 1000") }
        if let facetWeight, !(0...1).contains(facetWeight) { throw ValidationError("--facet-weight must be between 0 and 1") }
        if hybrid, dense { throw ValidationError("--hybrid and --dense exclude each other") }
    }

    func run() async throws {
        try await runReportingErrors {
            let wiring = try Wiring(options: global)
            if let category, !wiring.settings.categories.contains(category) {
                throw SupportKitError(.invalidInput, "unknown category \"\(category)\"; expected one of \(wiring.settings.categories.listed)")
            }
            let search = try await wiring.makeKnowledgeSearch(
                collection: collection, k: k, hybrid: hybrid ? true : dense ? false : nil, facetWeight: facetWeight)
            let hits = try await search.search(text, category: category)
            if format.json {
                try Terminal.printJSON(SearchOutput(hits))
                return
            }
            if hits.isEmpty { Terminal.diagnostic("no results") }
            for (rank, hit) in hits.enumerated() {
                let chunk = hit.chunk
                Terminal.output(String(format: "%2d. %.3f  %@  [%@]", rank + 1, hit.score, chunk.headingPathText, chunk.category))
                Terminal.output("    \(chunk.sourcePath):\(chunk.lineStart)  \(chunk.anchor)")
                let preview = chunk.text.replacingOccurrences(of: "\n", with: " ")
                Terminal.output("    " + (preview.count > 160 ? String(preview.prefix(157)) + "..." : preview))
            }
        }
    }
}
