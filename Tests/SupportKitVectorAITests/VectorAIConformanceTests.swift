import SupportKit
import SupportKitTesting
import Testing

/// The store conformance checks the SQLite and in-memory stores pass, run against `VectorAIVectorStore`
/// talking gRPC to a loopback server (itself backed by each local store).
@Suite struct VectorAIConformanceTests {
    @Test(arguments: Backing.allCases)
    func searchRanksByCosineAndFilters(_ backing: Backing) async throws {
        try await withVectorAIStore(backing: backing) { try await VectorStoreConformance.searchRanksByCosineAndFilters($0) }
    }

    @Test(arguments: Backing.allCases)
    func payloadsRoundTripWithoutLoss(_ backing: Backing) async throws {
        try await withVectorAIStore(backing: backing) { try await VectorStoreConformance.payloadsRoundTripWithoutLoss($0) }
    }

    @Test(arguments: Backing.allCases)
    func upsertReplacesByID(_ backing: Backing) async throws {
        try await withVectorAIStore(backing: backing) { try await VectorStoreConformance.upsertReplacesByID($0) }
    }

    @Test(arguments: Backing.allCases)
    func deleteScrollAndCount(_ backing: Backing) async throws {
        try await withVectorAIStore(backing: backing) { try await VectorStoreConformance.deleteScrollAndCount($0) }
    }

    @Test(arguments: Backing.allCases)
    func mismatchedEmbedderIsRefused(_ backing: Backing) async throws {
        try await withVectorAIStore(backing: backing) { try await VectorStoreConformance.mismatchedEmbedderIsRefused($0) }
    }

    @Test(arguments: Backing.allCases)
    func declaredAndUndeclaredKeysFilterAlike(_ backing: Backing) async throws {
        try await withVectorAIStore(backing: backing) { try await VectorStoreConformance.declaredAndUndeclaredKeysFilterAlike($0) }
    }

    @Test(arguments: Backing.allCases)
    func listValuedKeysMatchByElement(_ backing: Backing) async throws {
        try await withVectorAIStore(backing: backing) { try await VectorStoreConformance.listValuedKeysMatchByElement($0) }
    }

    @Test(arguments: Backing.allCases)
    func redeclaringKeysReindexes(_ backing: Backing) async throws {
        try await withVectorAIStore(backing: backing) { try await VectorStoreConformance.redeclaringKeysReindexes($0) }
    }
}
