import Foundation
import SupportKit
import SupportKitStore
import SupportKitTesting
import Testing
@testable import SupportKitIngest

@Suite struct IngestVerifierTests {
    @Test func findsMissingAndOrphanChunksAndRepairs() async throws {
        let harness = try IngestHarness()
        defer { harness.remove() }
        try harness.corpus.write(IngestHarness.article("Refunds"), to: "billing/refunds.md")
        try harness.corpus.write(IngestHarness.article("Shipping"), to: "orders/shipping.md")
        _ = try await harness.run()
        let database = try StoreDatabase(path: harness.storePath)
        let store = SQLiteVectorStore(database: database)
        let manifest = IngestManifest(database: database, collection: Collections.knowledge)
        let verifier = IngestVerifier(store: store, manifest: manifest, collection: Collections.knowledge, pageSize: 3)
        let clean = try await verifier.verify()
        #expect(clean.isConsistent)
        #expect(clean.storePoints == clean.manifestChunks)

        // Lose one chunk of billing/refunds and plant a point nobody recorded.
        let lost = try #require(try await store.scroll(
            Collections.knowledge, filter: Filter(must: [FieldMatch(ChunkKey.docId, "billing/refunds")]), offset: nil, limit: 1, withVectors: false).points.first)
        try await store.delete(in: Collections.knowledge, matching: Filter(ids: [lost.id]))
        let orphanID = UUID.v5(namespace: .supportKitChunks, name: "orphan")
        let dimension = try #require(try await store.collection(named: Collections.knowledge)).dimension
        try await store.upsert([Point(id: orphanID, vector: [Float](repeating: 0.1, count: dimension), payload: [ChunkKey.docId: .string("gone/doc")])],
                               into: Collections.knowledge)

        let report = try await verifier.verify()
        #expect(report.missing == [IngestVerifier.Discrepancy(docId: "billing/refunds", chunkId: lost.id)])
        #expect(report.orphans == [IngestVerifier.Discrepancy(docId: "gone/doc", chunkId: orphanID)])

        let repaired = try await verifier.repair(report)
        #expect(repaired.deleted == 1)
        #expect(repaired.documentsToReingest == ["billing/refunds"])
        let summary = try await harness.run()
        #expect(summary.documents.added == 1)
        #expect(summary.documents.unchanged == 1)
        #expect(try await verifier.verify().isConsistent)
    }
}
