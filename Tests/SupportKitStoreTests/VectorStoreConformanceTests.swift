import Foundation
import SupportKit
import SupportKitTesting
import GRDB
import Testing
@testable import SupportKitStore

/// Behaviour every `VectorStore` must share (the checks live in `SupportKitTesting.VectorStoreConformance`);
/// `SupportKitVectorAITests` runs the same checks against the VectorAI DB store.
@Suite struct VectorStoreConformanceTests {
    enum Kind: String, CaseIterable, CustomTestStringConvertible {
        /// `sqliteDiskResident`: every collection the checks use searched from the file (customer memory's mode).
        case inMemory, sqlite, sqliteDiskResident
        var testDescription: String { rawValue }
    }

    private func withStore(_ kind: Kind, _ check: (any VectorStore) async throws -> Void) async throws {
        switch kind {
        case .inMemory:
            try await check(InMemoryVectorStore())
        case .sqlite:
            let folder = try TemporaryDirectory()
            defer { folder.remove() }
            try await check(try SQLiteVectorStore(path: folder.url.appendingPathComponent("store.sqlite").path))
        case .sqliteDiskResident:
            let folder = try TemporaryDirectory()
            defer { folder.remove() }
            let database = try StoreDatabase(path: folder.url.appendingPathComponent("store.sqlite").path)
            try await check(SQLiteVectorStore(database: database, diskResident: ["kb", "declared", "plain", "absent"]))
        }
    }

    @Test(arguments: Kind.allCases)
    func searchRanksByCosineAndFilters(_ kind: Kind) async throws {
        try await withStore(kind, VectorStoreConformance.searchRanksByCosineAndFilters)
    }

    @Test(arguments: Kind.allCases)
    func payloadsRoundTripWithoutLoss(_ kind: Kind) async throws {
        try await withStore(kind, VectorStoreConformance.payloadsRoundTripWithoutLoss)
    }

    @Test(arguments: Kind.allCases)
    func upsertReplacesByID(_ kind: Kind) async throws {
        try await withStore(kind, VectorStoreConformance.upsertReplacesByID)
    }

    @Test(arguments: Kind.allCases)
    func deleteScrollAndCount(_ kind: Kind) async throws {
        try await withStore(kind, VectorStoreConformance.deleteScrollAndCount)
    }

    @Test(arguments: Kind.allCases)
    func mismatchedEmbedderIsRefused(_ kind: Kind) async throws {
        try await withStore(kind, VectorStoreConformance.mismatchedEmbedderIsRefused)
    }

    @Test(arguments: Kind.allCases)
    func declaredAndUndeclaredKeysFilterAlike(_ kind: Kind) async throws {
        try await withStore(kind, VectorStoreConformance.declaredAndUndeclaredKeysFilterAlike)
    }

    @Test(arguments: Kind.allCases)
    func listValuedKeysMatchByElement(_ kind: Kind) async throws {
        try await withStore(kind, VectorStoreConformance.listValuedKeysMatchByElement)
    }

    @Test(arguments: Kind.allCases)
    func redeclaringKeysReindexes(_ kind: Kind) async throws {
        try await withStore(kind, VectorStoreConformance.redeclaringKeysReindexes)
    }
}

/// An embedder that records what it was asked, to prove what the cache saves.
actor CountingEmbedder: Embedder {
    nonisolated let fingerprint = EmbedderFingerprint(name: "counting", version: "1", dimension: 3)
    nonisolated let preferredBatchSize = 16
    nonisolated let tokenCounter: any TokenCounter = ApproximateTokenCounter()
    var calls: [[String]] = []

    func embed(_ texts: [String]) async throws -> [[Float]] {
        calls.append(texts)
        return texts.map { [Float($0.count), 1, 0] }
    }
}
