import Foundation
import Logging
import SupportKit
import SupportKitEmbedding
import SupportKitParsing
import SupportKitStore
import SupportKitTesting
import Testing
@testable import SupportKitIngest

/// A corpus folder, a store file and a pipeline over them, with the lexical embedder.
struct IngestHarness {
    let corpus: TemporaryDirectory
    let storePath: String

    init() throws {
        corpus = try TemporaryDirectory(prefix: "supportkit-corpus")
        storePath = corpus.url.deletingLastPathComponent().appendingPathComponent("store-\(UUID().uuidString).sqlite").path
    }

    /// Facets are off by default so that counts are chunks only; the facet tests turn them on.
    func run(
        _ paths: [URL]? = nil, strict: Bool = false, dryRun: Bool = false, facets: Bool = false, dimension: Int = 64,
        allowMassDeletion: Bool = false, chunker: Chunker.Configuration = .init(maxTokens: 80, overlapTokens: 10),
        parser: DocumentParser.Configuration = .init(), filter: CorpusFilter = CorpusFilter(), folders: any CorpusFolders = LiveCorpusFolders()
    ) async throws -> IngestSummary {
        let database = try StoreDatabase(path: storePath)
        let pipeline = IngestPipeline(
            store: SQLiteVectorStore(database: database),
            manifest: IngestManifest(database: database, collection: Collections.knowledge),
            embedder: CachingEmbedder(base: LexicalEmbedder(dimension: dimension), cache: SQLiteEmbeddingCache(database: database)),
            configuration: .init(
                parser: parser, chunker: chunker, strict: strict, dryRun: dryRun, batchSize: 8, facets: facets,
                allowMassDeletion: allowMassDeletion, filter: filter),
            logger: Logger(label: "test"), folders: folders)
        return try await pipeline.run(paths: paths ?? [corpus.url])
    }

    /// The manifest's documents: id to (root, source path, document hash).
    func manifestEntries() async throws -> [String: IngestManifest.Entry] {
        try await IngestManifest(database: StoreDatabase(path: storePath), collection: Collections.knowledge).entries()
    }

    /// Every stored point of the knowledge and facet collections as (collection/id, hash of payload and
    /// vector), for whole-store comparisons.
    func snapshot() async throws -> [String: String] {
        let store = try SQLiteVectorStore(path: storePath)
        var result: [String: String] = [:]
        for collection in [Collections.knowledge, Collections.facets(of: Collections.knowledge)] {
            guard try await store.collection(named: collection) != nil else { continue }
            var offset: UUID?
            repeat {
                let page = try await store.scroll(collection, filter: nil, offset: offset, limit: 500, withVectors: true)
                for point in page.points {
                    let payload = String(decoding: try JSONEncoder.sorted.encode(point.payload), as: UTF8.self)
                    result[collection + "/" + point.id.uuidString] = ContentHasher.hash(payload + point.vector.map { String($0) }.joined(separator: ","))
                }
                offset = page.next
            } while offset != nil
        }
        return result
    }

    /// The facet texts stored for `docId`, sorted.
    func facets(of docId: String) async throws -> [String] {
        let store = try SQLiteVectorStore(path: storePath)
        let page = try await store.scroll(
            Collections.facets(of: Collections.knowledge), filter: Filter(must: [FieldMatch(ChunkKey.docId, docId)]),
            offset: nil, limit: 100, withVectors: false)
        return page.points.compactMap { $0.payload[FacetKey.text]?.stringValue }.sorted()
    }

    func remove() {
        corpus.remove()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: storePath + suffix) }
    }

    static func article(_ title: String, sections: Int = 3, extra: String = "") -> String {
        var text = "---\ntitle: \(title)\ntags: [test]\n---\nIntro for \(title).\n"
        for section in 1...sections {
            text += "\n## Section \(section)\n\(title) section \(section) explains step \(section) in detail.\n"
        }
        return text + extra
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }
}

@Suite struct IngestPipelineTests {
    @Test func syncAddsChangesAndDeletesExactlyWhatChanged() async throws {
        let harness = try IngestHarness()
        defer { harness.remove() }
        try harness.corpus.write(IngestHarness.article("Refunds"), to: "billing/refunds.md")
        try harness.corpus.write(IngestHarness.article("Shipping"), to: "orders/shipping.md")
        try harness.corpus.write(IngestHarness.article("Password"), to: "account/password.md")
        let first = try await harness.run()
        #expect(first.documents.added == 3)
        #expect(first.chunks.added == 12)
        #expect(first.embedded == 12)

        // Edit one section, delete one document, add one.
        let edited = IngestHarness.article("Refunds").replacingOccurrences(of: "Refunds section 2 explains step 2 in detail.", with: "Refunds now take longer at some banks.")
        try harness.corpus.write(edited, to: "billing/refunds.md")
        try FileManager.default.removeItem(at: harness.corpus.url.appendingPathComponent("orders/shipping.md"))
        try harness.corpus.write(IngestHarness.article("Gift cards", sections: 1), to: "billing/gift-cards.md")
        let plan = try await harness.run(dryRun: true)
        #expect(plan.plan["changed"] == ["billing/refunds"])
        #expect(plan.plan["deleted"] == ["orders/shipping"])
        #expect(plan.plan["added"] == ["billing/gift-cards"])
        #expect(plan.written == 0)
        let second = try await harness.run()
        #expect(second.documents.added == 1)
        #expect(second.documents.changed == 1)
        #expect(second.documents.unchanged == 1)
        #expect(second.documents.deleted == 1)
        #expect(second.chunks.changed == 1)
        #expect(second.chunks.added == 2)
        #expect(second.chunks.deleted == 4)
        #expect(second.embedded == 3)
        #expect(second.written == 3)
        #expect(second.removed == 4)
        let store = try SQLiteVectorStore(path: harness.storePath)
        #expect(try await store.count(in: Collections.knowledge, filter: Filter(must: [FieldMatch(ChunkKey.docId, "orders/shipping")])) == 0)
        #expect(try await store.count(in: Collections.knowledge, filter: nil) == 10)
    }

    @Test func unchangedCorpusEmbedsNothingAndWritesNothing() async throws {
        let harness = try IngestHarness()
        defer { harness.remove() }
        for index in 0..<20 { try harness.corpus.write(IngestHarness.article("Article \(index)"), to: "orders/a\(index).md") }
        _ = try await harness.run()
        let before = try await harness.snapshot()
        let again = try await harness.run()
        #expect(again.isNoOp)
        #expect(again.embedded == 0)
        #expect(again.documents.unchanged == 20)
        #expect(again.filesSkipped == 20)
        #expect(try await harness.snapshot() == before)
        // A touched file with the same bytes is still unchanged.
        try harness.corpus.write(IngestHarness.article("Article 3"), to: "orders/a3.md")
        #expect(try await harness.run().isNoOp)
    }

    @Test func brokenFilesAreReportedAndGoodOnesIngested() async throws {
        let harness = try IngestHarness()
        defer { harness.remove() }
        try harness.corpus.write(IngestHarness.article("Good one"), to: "billing/good.md")
        try harness.corpus.write("<html><head><title>Good page</title><meta name=category content=orders></head><body><main><p>Fine.</p></main></body></html>", to: "orders/good.html")
        try harness.corpus.write("[{\"title\": \"Fine\", \"content\": \"ok\"}, {\"title\": \"Broken\" \"content\": 1}]", to: "orders/broken.json")
        try harness.corpus.write("<html><head><meta name=category content=orders></head><body><nav>Only navigation</nav></body>", to: "orders/malformed.html")
        try harness.corpus.write("---\ntitle: [oops\ncategory: billing\n---\nBody\n", to: "billing/bad-front-matter.md")
        try harness.corpus.write("---\ntitle: Refund\ncategory: refunds\n---\nBody\n", to: "billing/unknown-category.md")
        var latin1 = Data("---\ntitle: Caf".utf8); latin1.append(0xE9); latin1.append(Data("\n---\nBody\n".utf8))
        try harness.corpus.write(latin1, to: "billing/latin1.md")
        try harness.corpus.write(Data([0x50, 0x4B, 0x03, 0x04, 0x00, 0x00, 0x08]), to: "account/archive.md")
        let big = harness.corpus.url.appendingPathComponent("account/huge.md")
        FileManager.default.createFile(atPath: big.path, contents: nil)
        let handle = try FileHandle(forWritingTo: big)
        try handle.truncate(atOffset: 50 * 1_048_576)
        try handle.close()

        let summary = try await harness.run()
        let failedPaths = Set(summary.errors.map(\.location.path))
        #expect(failedPaths == ["orders/broken.json", "orders/malformed.html", "billing/bad-front-matter.md",
                                "billing/unknown-category.md", "billing/latin1.md", "account/archive.md", "account/huge.md"])
        #expect(summary.documents.added == 2)
    }

    @Test func strictModeWritesNothingWhenAnyDocumentIsBad() async throws {
        let harness = try IngestHarness()
        defer { harness.remove() }
        try harness.corpus.write(IngestHarness.article("Good one"), to: "billing/good.md")
        try harness.corpus.write("---\ntitle: Refund\ncategory: refunds\n---\nBody\n", to: "billing/unknown-category.md")
        await #expect(throws: IngestError.self) { _ = try await harness.run(strict: true) }
        let store = try SQLiteVectorStore(path: harness.storePath)
        #expect(try await store.collection(named: Collections.knowledge) == nil)
    }

    @Test func aDocumentThatBreaksKeepsItsPreviousChunks() async throws {
        let harness = try IngestHarness()
        defer { harness.remove() }
        try harness.corpus.write(IngestHarness.article("Refunds"), to: "billing/refunds.md")
        _ = try await harness.run()
        let before = try await harness.snapshot()
        try harness.corpus.write("---\ntitle: Refunds\ncategory: nope\n---\nBroken now.\n", to: "billing/refunds.md")
        let summary = try await harness.run()
        #expect(summary.errors.count == 1)
        #expect(summary.documents.deleted == 0)
        #expect(try await harness.snapshot() == before)
    }

    @Test func symlinksOutOfTheRootAreNotFollowed() async throws {
        let harness = try IngestHarness()
        defer { harness.remove() }
        let outside = try TemporaryDirectory(prefix: "outside")
        defer { outside.remove() }
        try outside.write(IngestHarness.article("Secret"), to: "secret.md")
        try harness.corpus.write(IngestHarness.article("Inside"), to: "billing/inside.md")
        try FileManager.default.createSymbolicLink(at: harness.corpus.url.appendingPathComponent("billing/secret.md"),
                                                   withDestinationURL: outside.url.appendingPathComponent("secret.md"))
        let summary = try await harness.run()
        #expect(summary.documents.added == 1)
        #expect(summary.errors.map(\.location.path) == ["billing/secret.md"])
    }

    @Test func facetsFollowTitlesAndTagsOfEachDocument() async throws {
        let harness = try IngestHarness()
        defer { harness.remove() }
        let article = "---\ntitle: Reset your password\ntags: [can't log in, forgot password, Reset your password]\n---\nSteps.\n"
        try harness.corpus.write(article, to: "account/reset.md")
        try harness.corpus.write(IngestHarness.article("Shipping"), to: "orders/shipping.md")
        let first = try await harness.run(facets: true)
        // Title, then tags; the tag that repeats the title is one facet.
        #expect(try await harness.facets(of: "account/reset") == ["Reset your password", "can't log in", "forgot password"])
        #expect(try await harness.facets(of: "orders/shipping") == ["Shipping", "test"])
        #expect(first.facetsWritten == 5)
        #expect(first.written == first.chunks.added + 5)

        // An unchanged corpus writes no facet either.
        let again = try await harness.run(facets: true)
        #expect(again.isNoOp)
        #expect(again.facetsWritten == 0)

        // A changed tag list replaces the document's facets; a deleted document loses them.
        try harness.corpus.write(article.replacingOccurrences(of: "forgot password", with: "locked out"), to: "account/reset.md")
        try FileManager.default.removeItem(at: harness.corpus.url.appendingPathComponent("orders/shipping.md"))
        let edited = try await harness.run(facets: true)
        #expect(try await harness.facets(of: "account/reset") == ["Reset your password", "can't log in", "locked out"])
        #expect(try await harness.facets(of: "orders/shipping").isEmpty)
        // Removed: the old tag of the edited document, and both facets and all chunks of the deleted one.
        #expect(edited.removed == 1 + 2 + 4)
        let store = try SQLiteVectorStore(path: harness.storePath)
        #expect(try await store.count(in: Collections.facets(of: Collections.knowledge), filter: nil) == 3)
    }

    @Test func aStoreFromBeforeFacetsGetsThemWithoutRewritingChunks() async throws {
        let harness = try IngestHarness()
        defer { harness.remove() }
        for index in 0..<5 { try harness.corpus.write(IngestHarness.article("Article \(index)"), to: "orders/a\(index).md") }
        let old = try await harness.run(facets: false)
        #expect(old.facetsWritten == 0)
        let chunksBefore = try await harness.snapshot()

        let upgraded = try await harness.run(facets: true)
        #expect(upgraded.chunks.unchanged == old.chunks.added)
        #expect(upgraded.chunks.added == 0 && upgraded.chunks.changed == 0)
        #expect(upgraded.facetsWritten == 10)
        #expect(upgraded.written == 10)
        let after = try await harness.snapshot()
        #expect(after.filter { $0.key.hasPrefix(Collections.knowledge + "/") } == chunksBefore)
        #expect(after.count == chunksBefore.count + 10)
        #expect(try await harness.run(facets: true).isNoOp)
    }

    @Test func droppingTheCollectionDropsItsFacetsToo() async throws {
        let harness = try IngestHarness()
        defer { harness.remove() }
        try harness.corpus.write(IngestHarness.article("Refunds"), to: "billing/refunds.md")
        _ = try await harness.run(facets: true)

        // What `ingest --rebuild` does before the run, then a run with another embedder (another dimension).
        let database = try StoreDatabase(path: harness.storePath)
        try await SQLiteVectorStore(database: database).deleteCollection(Collections.knowledge)
        try await IngestManifest(database: database, collection: Collections.knowledge).reset()
        let rebuilt = try await harness.run(facets: true, dimension: 32)
        #expect(rebuilt.documents.added == 1)
        #expect(rebuilt.facetsWritten == 2)
        let facets = try #require(try await SQLiteVectorStore(path: harness.storePath).collection(named: Collections.facets(of: Collections.knowledge)))
        #expect(facets.dimension == 32)
        #expect(try await harness.facets(of: "billing/refunds") == ["Refunds", "test"])
    }
}
