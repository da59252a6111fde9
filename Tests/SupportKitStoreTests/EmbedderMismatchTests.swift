import Foundation
import SupportKit
import SupportKitTesting
import Testing
@testable import SupportKitStore

/// A collection keeps the embedder that filled it: the reduced-precision MiniLM variants share the model files
/// (and so the version hash) with fp32 but are other embedding spaces, and are refused like any other embedder.
@Suite struct EmbedderMismatchTests {
    static let fp32 = EmbedderFingerprint(name: "minilm", version: "1-0123456789ab", dimension: 384)
    static let bf16 = EmbedderFingerprint(name: "minilm:bf16", version: "1-0123456789ab", dimension: 384)

    @Test func anFP32CollectionRefusesTheBF16Embedder() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try SQLiteVectorStore(path: folder.url.appendingPathComponent("store.sqlite").path)
        try await store.prepareCollection(.knowledge("kb", embedder: Self.fp32))
        do {
            try await store.prepareCollection(.knowledge("kb", embedder: Self.bf16))
            Issue.record("expected an error")
        } catch let error as SupportKitError {
            #expect(error.code == .embedderMismatch)
            #expect(error.message == "collection \"kb\" was embedded with minilm@1-0123456789ab/384 but this run uses "
                + "minilm:bf16@1-0123456789ab/384; re-ingest with `--embedder minilm:bf16` into a fresh store, "
                + "or pass `--embedder minilm` to use the existing vectors")
        }
        // The same check guards searches (the assistant's wiring) without touching the store.
        #expect(throws: SupportKitError.self) {
            try CollectionSpec.knowledge("kb", embedder: Self.bf16).checkCompatible(with: .knowledge("kb", embedder: Self.fp32))
        }
        try CollectionSpec.knowledge("kb", embedder: Self.bf16).checkCompatible(with: .knowledge("kb", embedder: Self.bf16))
    }
}
