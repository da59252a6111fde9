import Foundation
import GRPCCore
import Logging
import SupportKit
import SupportKitStore
import SupportKitTesting
import SupportKitVectorAI
import SupportKitVectorAITesting
import Testing

@Suite struct VectorAIVectorStoreTests {
    static let spec = VectorStoreConformance.spec

    static func points(_ count: Int) -> [Point] {
        (0..<count).map { VectorStoreConformance.point($0, [1, Float($0), 0, 0], category: "orders", doc: "orders/\($0 % 7)") }
    }

    @Test func unreachableAddressIsUnavailableWithOneLine() async throws {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once. The timeout only has to
        // outlast a stalled test process (a full run on two cores stalled 20 s and read as "did not answer in time").
        let configuration = VectorAIVectorStore.Configuration(
            host: "127.0.0.1", port: 1, apiKey: "sk-never-shown", connectTimeout: .seconds(60),
            retry: .init(maxAttempts: 2, initialBackoff: .milliseconds(10)))
        do {
            _ = try await VectorAIVectorStore.connect(configuration: configuration, logger: Logger(label: "test"))
            Issue.record("connecting to a closed port succeeded")
        } catch let error as SupportKitError {
            #expect(error.code == .unavailable)
            #expect(error.exitCode == 3)
            #expect(error.message.hasPrefix("cannot reach VectorAI DB at 127.0.0.1:1 (health check after 2 attempts"))
            #expect(error.message.contains("start the server"))
            #expect(!error.description.contains("\n"))
            #expect(!error.description.contains("sk-never-shown"))
        }
    }

    @Test func unavailableOnceThenSuccessIsRetried() async throws {
        let faults = FaultInjector()
        try await withVectorAIStore(server: .init(faults: faults)) { store in
            try await store.prepareCollection(Self.spec)
            let before = faults.calls(of: "Upsert")
            faults.fail("Upsert", with: [.unavailable])
            try await store.upsert(Self.points(3), into: "kb")
            #expect(faults.calls(of: "Upsert") == before + 2)
            #expect(try await store.count(in: "kb", filter: nil) == 3)
            faults.fail("Search", with: [.deadlineExceeded])
            #expect(try await store.search([1, 0, 0, 0], in: "kb", filter: nil, limit: 2).count == 2)
            #expect(faults.calls(of: "Search") == 2)
        }
    }

    @Test func otherFailuresAreNotRetriedAndRetriesEnd() async throws {
        let faults = FaultInjector()
        try await withVectorAIStore(server: .init(faults: faults)) { store in
            try await store.prepareCollection(Self.spec)
            faults.fail("Count", with: [.internalError])
            await #expect(throws: SupportKitError.self) { try await store.count(in: "kb", filter: nil) }
            #expect(faults.calls(of: "Count") == 1)
            // Three attempts are configured: three UNAVAILABLE answers exhaust them.
            faults.fail("Scroll", with: [.unavailable, .unavailable, .unavailable])
            do {
                _ = try await store.scroll("kb", filter: nil, offset: nil, limit: 10, withVectors: false)
                Issue.record("scroll succeeded through three failures")
            } catch let error as SupportKitError {
                #expect(error.code == .unavailable)
                #expect(error.message.contains("after 3 attempts"))
            }
            #expect(faults.calls(of: "Scroll") == 3)
        }
    }

    @Test func apiKeyIsSentAndNeverShown() async throws {
        try await withVectorAIStore(server: .init(requiredAPIKey: "sk-right"), client: { $0.apiKey = "sk-right" }) { store in
            try await store.prepareCollection(Self.spec)
            #expect(try await store.collection(named: "kb") == Self.spec)
        }
        for key in [nil, "sk-wrong-key"] as [String?] {
            do {
                try await withVectorAIStore(server: .init(requiredAPIKey: "sk-right"), client: { $0.apiKey = key }) { _ in }
                Issue.record("a call without the right key succeeded")
            } catch let error as SupportKitError {
                #expect(error.code == .unavailable)
                #expect(error.message.contains("VECTORAI_API_KEY"))
                #expect(!error.description.contains("sk-wrong-key"))
                #expect(!error.description.contains("sk-right"))
            }
        }
    }

    @Test func upsertsGoInConfiguredBatches() async throws {
        let faults = FaultInjector()
        try await withVectorAIStore(server: .init(faults: faults), client: { $0.upsertBatchSize = 64 }) { store in
            try await store.prepareCollection(Self.spec)
            let before = faults.calls(of: "Upsert")
            try await store.upsert(Self.points(300), into: "kb")
            #expect(faults.calls(of: "Upsert") - before == 5)
            #expect(try await store.count(in: "kb", filter: nil) == 300)
            #expect(try await store.count(in: "kb", filter: Filter(must: [FieldMatch(ChunkKey.docId, "orders/3")])) == 43)
        }
    }

    @Test func batchSizeIsKeptWithinLimits() {
        #expect(VectorAIVectorStore.Configuration(upsertBatchSize: 10).upsertBatchSize == 64)
        #expect(VectorAIVectorStore.Configuration(upsertBatchSize: 1000).upsertBatchSize == 256)
        #expect(throws: SupportKitError.self) {
            try VectorAIVectorStore.Configuration().applyingEnvironment(["VECTORAI_BATCH_SIZE": "1000"])
        }
        let configured = try? VectorAIVectorStore.Configuration().applyingEnvironment(
            ["VECTORAI_API_KEY": "k", "VECTORAI_TLS": "true", "VECTORAI_TIMEOUT": "2.5", "VECTORAI_BATCH_SIZE": "200"])
        #expect(configured?.apiKey == "k")
        #expect(configured?.usesTLS == true)
        #expect(configured?.callTimeout == .milliseconds(2500))
        #expect(configured?.upsertBatchSize == 200)
        let retry = VectorAIVectorStore.RetryPolicy(maxAttempts: 5, initialBackoff: .milliseconds(100), maxBackoff: .milliseconds(300))
        #expect([1, 2, 3, 4].map(retry.backoff(after:)) == [.milliseconds(100), .milliseconds(200), .milliseconds(300), .milliseconds(300)])
    }

    @Test func fingerprintLivesInACompanionCollection() async throws {
        let backing = InMemoryVectorStore()
        let server = VectorAIDevServer(store: backing)
        try await server.withRunning { port in
            let store = try await VectorAIVectorStore.connect(
                configuration: .init(host: "127.0.0.1", port: port), logger: Logger(label: "test"))
            try await store.prepareCollection(Self.spec)
            let meta = try await backing.scroll("kb__meta", filter: nil, offset: nil, limit: 10, withVectors: false)
            #expect(meta.points.count == 1)
            #expect(meta.points.first?.payload["embedder_name"] == .string("test"))
            #expect(meta.points.first?.payload["dimension"] == .integer(4))
            // A collection made by someone else (no metadata) is refused with a clear message.
            try await backing.prepareCollection(CollectionSpec(
                name: "foreign", dimension: 4, embedder: EmbedderFingerprint(name: "x", version: "1", dimension: 4)))
            do {
                _ = try await store.collection(named: "foreign")
                Issue.record("a collection without metadata was accepted")
            } catch let error as SupportKitError {
                #expect(error.code == .invalidInput)
                #expect(error.message.contains("not created by supportkit"))
            }
            // Deleting removes both collections.
            try await store.deleteCollection("kb")
            #expect(try await backing.collection(named: "kb") == nil)
            #expect(try await backing.collection(named: "kb__meta") == nil)
            await store.close()
        }
    }

    @Test func declaredKeysBecomeKeywordIndexesAndMetadata() async throws {
        let backing = InMemoryVectorStore()
        let server = VectorAIDevServer(store: backing)
        try await server.withRunning { port in
            let store = try await VectorAIVectorStore.connect(
                configuration: .init(host: "127.0.0.1", port: port, keywordIndexes: ["source"]), logger: Logger(label: "test"))
            let spec = CollectionSpec(
                name: "kb", dimension: 4, embedder: VectorStoreConformance.fingerprint,
                indexedKeys: [ChunkKey.docId, ChunkKey.tags], fullTextKeys: [ChunkKey.text])
            try await store.prepareCollection(spec)
            // The dev server declares each keyword index on its backing store.
            #expect(try await backing.collection(named: "kb")?.indexedKeys == [ChunkKey.docId, ChunkKey.tags, "source"])
            let meta = try await backing.scroll("kb__meta", filter: nil, offset: nil, limit: 10, withVectors: false)
            #expect(meta.points.first?.payload["indexed_keys"] == .list([.string(ChunkKey.docId), .string(ChunkKey.tags)]))
            #expect(try await store.collection(named: "kb") == spec)
            // Declaring another key adds its index and records the new declaration.
            var more = spec
            more.indexedKeys.append(ChunkKey.category)
            try await store.prepareCollection(more)
            #expect(try await backing.collection(named: "kb")?.indexedKeys == [ChunkKey.docId, ChunkKey.tags, "source", ChunkKey.category])
            #expect(try await store.collection(named: "kb") == more)
            await store.close()
        }
    }

    @Test func missingCollectionReadsAreInputErrors() async throws {
        try await withVectorAIStore { store in
            #expect(try await store.collection(named: "nope") == nil)
            do {
                _ = try await store.scroll("nope", filter: nil, offset: nil, limit: 5, withVectors: false)
                Issue.record("scrolling a missing collection succeeded")
            } catch let error as SupportKitError {
                #expect(error.code == .invalidInput)
                #expect(error.message.contains("supportkit ingest"))
            }
        }
    }

    @Test func payloadValuesMapWithoutLoss() {
        let value: PayloadValue = .object([
            "s": .string("héllo \u{1F600}"), "i": .integer(Int64.min), "j": .integer(Int64.max), "d": .double(1.0),
            "neg": .double(-0.25), "t": .bool(true), "f": .bool(false), "n": .null,
            "l": .list([.integer(1), .string("two"), .list([]), .object([:]), .null]),
            "o": .object(["deep": .object(["deeper": .list([.double(3.5)])])]),
        ])
        #expect(PayloadValue(ActianVectorai_Value(value)) == value)
        // An integral double stays a double, an integer stays an integer.
        #expect(ActianVectorai_Value(.double(1.0)).kind == .doubleValue(1.0))
        #expect(ActianVectorai_Value(.integer(1)).kind == .integerValue(1))
    }

    @Test func filtersThatMatchNothingSkipTheCall() {
        #expect(ActianVectorai_Filter(Filter(ids: [])) == nil)
        #expect(ActianVectorai_Filter(Filter(must: [FieldMatch(key: "k", anyOf: [])])) == nil)
        #expect(ActianVectorai_Filter(Filter(should: [FieldMatch(key: "k", anyOf: [])])) == nil)
        #expect(ActianVectorai_Filter(Filter(mustNot: [FieldMatch(key: "k", anyOf: [])]))?.mustNot.isEmpty == true)
    }
}
