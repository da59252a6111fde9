import Foundation
import Logging
import SupportKit
import SupportKitEmbedding
import SupportKitIngest
import SupportKitStore
import SupportKitTesting
import Testing
@testable import SupportKitAssistant

/// The acceptance check on the real model and the real corpus: a paraphrase that shares no
/// meaningful word with the answer finds the right article first.
@Suite struct ParaphraseRetrievalTests {
    static let model = MiniLMModelLocation.locate(explicit: nil, environment: ProcessInfo.processInfo.environment)
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("corpora/account")

    @Test(.enabled(if: model != nil, "no all-MiniLM-L6-v2 model folder; run scripts/fetch-model.sh"))
    func cantGetIntoMyAccountFindsThePasswordResetArticle() async throws {
        let directory = try #require(Self.model)
        let embedder = try MiniLMEmbedder(directory: directory)
        let folder = try TemporaryDirectory(prefix: "supportkit-paraphrase")
        defer { folder.remove() }
        let database = try StoreDatabase(path: folder.url.appendingPathComponent("store.sqlite").path)
        let store = SQLiteVectorStore(database: database)
        // The account articles under an `account` folder, so document ids read as in the full corpus.
        let corpus = folder.url.appendingPathComponent("corpus")
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.corpus, to: corpus.appendingPathComponent("account"))
        let summary = try await IngestPipeline(
            store: store, manifest: IngestManifest(database: database, collection: Collections.knowledge),
            embedder: embedder, configuration: .init(), logger: Logger(label: "test")
        ).run(paths: [corpus])
        #expect(summary.errors.isEmpty)
        #expect(summary.facetsWritten > summary.documents.added)

        // Dense ranking, as `supportkit search` does by default.
        var retrieval = AssistantConfiguration.Retrieval()
        retrieval.hybrid = false
        let knowledge = KnowledgeBase(store: store, configuration: retrieval)
        let message = "I can't get into my account"
        let result = try await knowledge.search(message, vector: try await embedder.embed(message), category: nil, categoryConfidence: 0)
        #expect(result.hits.first?.chunk.docId == "account/reset-password", "\(result.hits.prefix(3).map(\.chunk.headingPathText))")
    }
}
