import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import SupportKit
import SupportKitStore
import Synchronization

/// The scale-out vector store: collections and points in Actian VectorAI DB, over its gRPC API.
///
/// Behaves like `SQLiteVectorStore` where callers can tell: upserts replace by the deterministic point id,
/// filters have the same meaning, scroll pages run in id order with an inclusive offset, and a collection
/// embedded with another embedder is refused. It does not offer full-text search (`LexicalSearching`).
///
/// The embedder fingerprint lives on the server, in a companion collection `<name>__meta` that holds one
/// point (id `UUID.v5(.supportKitChunks, "collection-meta:<name>")`, a 1-dimensional vector) whose payload
/// carries the dimension, distance, embedder and declared keys. `prepareCollection` writes it before creating the main
/// collection, and `deleteCollection` removes both.
///
/// Every call carries a deadline (`Configuration.callTimeout`) and, when configured, the `api-key`
/// metadata header; UNAVAILABLE and DEADLINE_EXCEEDED are retried with exponential backoff, every other
/// failure is reported at once as a `SupportKitError` that never contains the API key.
public final class VectorAIVectorStore: VectorStore, Sendable {
    typealias Client = GRPCClient<HTTP2ClientTransport.Posix>

    /// The settings this store was opened with.
    public let configuration: Configuration
    /// What the health check on connect reported, e.g. `actian-vectorai 1.0.3`.
    public let serverVersion: String
    private let client: Client
    private let connections: Task<Void, Never>
    private let logger: Logger
    private let specs = Mutex<[String: CollectionSpec]>([:])

    /// Connects to VectorAI DB and checks that it answers.
    ///
    /// - Parameters:
    ///   - configuration: address, TLS, API key, deadlines, retries, batch size.
    ///   - logger: receives debug lines about retries; never the API key.
    /// - Returns: a store ready for use; call `close()` when done.
    /// - Throws: `SupportKitError(.unavailable)` with a one-line explanation when nothing answers at the
    ///   address, the server refuses the API key, or the health check fails.
    public static func connect(configuration: Configuration, logger: Logger) async throws -> VectorAIVectorStore {
        let transport: HTTP2ClientTransport.Posix
        do {
            let security: HTTP2ClientTransport.Posix.TransportSecurity = configuration.usesTLS ? .tls : .plaintext
            transport = try HTTP2ClientTransport.Posix(
                target: ResolvableTargets.DNS(host: configuration.host, port: configuration.port), transportSecurity: security)
        } catch {
            throw SupportKitError(
                .unavailable, "cannot set up a gRPC connection to VectorAI DB at \(configuration.address); check the host name and TLS settings",
                underlying: error)
        }
        let client = Client(transport: transport, interceptorPipeline: [])
        // The client's connection loop must run for as long as the store is used, and the store's lifetime is
        // a CLI command or a server, not one lexical scope; `close()` ends the loop gracefully.
        let connections = Task {
            do {
                try await client.runConnections()
            } catch {
                logger.debug("VectorAI DB connection loop ended", metadata: ["error": "\(error)"])
            }
        }
        let health = ActianVectorai_ActianVectorAI.Client(wrapping: client)
        let probe = Caller(configuration: configuration, logger: logger)
        do {
            let reply = try await probe.call("health check", timeout: configuration.connectTimeout) { metadata, options in
                try await health.healthCheck(ActianVectorai_HealthCheckRequest(), metadata: metadata, options: options)
            }
            let version = [reply.title, reply.version].filter { !$0.isEmpty }.joined(separator: " ")
            return VectorAIVectorStore(
                configuration: configuration, serverVersion: version, client: client, connections: connections, logger: logger)
        } catch {
            client.beginGracefulShutdown()
            connections.cancel()
            throw error
        }
    }

    private init(configuration: Configuration, serverVersion: String, client: Client, connections: Task<Void, Never>, logger: Logger) {
        self.configuration = configuration
        self.serverVersion = serverVersion
        self.client = client
        self.connections = connections
        self.logger = logger
    }

    /// Lets in-flight calls finish, then closes the connection. Calls made afterwards fail.
    public func close() async {
        client.beginGracefulShutdown()
        await connections.value
    }

    deinit {
        client.beginGracefulShutdown()
    }

    private var caller: Caller { Caller(configuration: configuration, logger: logger) }
    private var collections: ActianVectorai_Collections.Client<HTTP2ClientTransport.Posix> { .init(wrapping: client) }
    private var points: ActianVectorai_Points.Client<HTTP2ClientTransport.Posix> { .init(wrapping: client) }

    // MARK: Collections

    /// The name of the companion collection that records `collection`'s embedder.
    public static func metadataCollection(of collection: String) -> String { collection + "__meta" }

    static func metadataPointID(of collection: String) -> UUID {
        UUID.v5(namespace: .supportKitChunks, name: "collection-meta:" + collection)
    }

    public func prepareCollection(_ spec: CollectionSpec) async throws {
        if let existing = try await collection(named: spec.name) {
            try existing.checkCompatible(with: spec)
            try await redeclare(existing, as: spec)
            return
        }
        // Metadata first: a main collection never exists without its fingerprint, even after a crash here.
        let meta = Self.metadataCollection(of: spec.name)
        if try await !exists(meta) {
            do {
                try await createCollection(meta, dimension: 1)
            } catch is ServerRefusal {
                // Already there: another process made it between the check and the create, or an attempt of
                // ours that timed out had reached the server before the retry. Either way it exists.
            }
        }
        try await recordMetadata(of: spec)
        do {
            try await createCollection(spec.name, dimension: spec.dimension)
        } catch is ServerRefusal {
            // Another process created it meanwhile: it must agree with us.
            specs.withLock { $0[spec.name] = nil }
            guard let existing = try await collection(named: spec.name) else { throw SupportKitError.missingCollection(spec.name) }
            try existing.checkCompatible(with: spec)
            try await redeclare(existing, as: spec)
            return
        }
        for field in keywordFields(of: spec) {
            try await createKeywordIndex(field, in: spec.name)
        }
        specs.withLock { $0[spec.name] = spec }
    }

    /// The fields that get a keyword index: the declared keys, then the configuration's extra ones.
    private func keywordFields(of spec: CollectionSpec) -> [String] {
        var seen = Set<String>()
        return (spec.indexedKeys + configuration.keywordIndexes).filter { seen.insert($0).inserted }
    }

    /// When `spec` declares other keys than `existing`: creates the keyword indexes of the newly declared
    /// keys (the server indexes the points it holds), then records the new declaration. Indexes of keys no
    /// longer declared stay: the API has no call to drop one, and an extra index changes no result.
    private func redeclare(_ existing: CollectionSpec, as spec: CollectionSpec) async throws {
        guard existing.declaresOtherKeys(than: spec) else { return }
        let indexed = Set(keywordFields(of: existing))
        for field in keywordFields(of: spec) where !indexed.contains(field) {
            try await createKeywordIndex(field, in: spec.name)
        }
        try await recordMetadata(of: spec)
        specs.withLock { $0[spec.name] = spec }
    }

    /// Writes (or replaces) the metadata point that records `spec` on the server.
    private func recordMetadata(of spec: CollectionSpec) async throws {
        var upsert = ActianVectorai_UpsertPoints()
        upsert.collectionName = Self.metadataCollection(of: spec.name)
        upsert.wait = true
        upsert.points = [ActianVectorai_PointStruct(Point(id: Self.metadataPointID(of: spec.name), vector: [1], payload: spec.metadataPayload))]
        _ = try await caller.call("record the embedder of collection \"\(spec.name)\"") { metadata, options in
            try await self.points.upsert(upsert, metadata: metadata, options: options)
        }
    }

    private func createKeywordIndex(_ field: String, in collection: String) async throws {
        var index = ActianVectorai_CreateFieldIndexCollection()
        index.collectionName = collection
        index.wait = true
        index.fieldName = field
        index.fieldType = .keyword
        _ = try await caller.call("create the keyword index on \"\(field)\"") { metadata, options in
            try await self.points.createFieldIndex(index, metadata: metadata, options: options)
        }
    }

    private func exists(_ name: String) async throws -> Bool {
        var request = ActianVectorai_CollectionExistsRequest()
        request.collectionName = name
        let response = try await caller.call("check collection \"\(name)\"") { metadata, options in
            try await self.collections.collectionExists(request, metadata: metadata, options: options)
        }
        return response.result.exists
    }

    private func createCollection(_ name: String, dimension: Int) async throws {
        var params = ActianVectorai_VectorParams()
        params.size = UInt64(dimension)
        params.distance = .cosine
        var vectors = ActianVectorai_VectorsConfig()
        vectors.config = .params(params)
        var request = ActianVectorai_CreateCollection()
        request.collectionName = name
        request.vectorsConfig = vectors
        _ = try await caller.call("create collection \"\(name)\"", refusals: [.alreadyExists]) { metadata, options in
            try await self.collections.create(request, metadata: metadata, options: options)
        }
    }

    public func deleteCollection(_ name: String) async throws {
        specs.withLock { $0[name] = nil }
        for target in [name, Self.metadataCollection(of: name)] {
            var request = ActianVectorai_DeleteCollection()
            request.collectionName = target
            do {
                _ = try await caller.call("delete collection \"\(target)\"", refusals: [.notFound]) { metadata, options in
                    try await self.collections.delete(request, metadata: metadata, options: options)
                }
            } catch is ServerRefusal {
                continue
            }
        }
    }

    public func collection(named name: String) async throws -> CollectionSpec? {
        guard try await exists(name) else {
            specs.withLock { $0[name] = nil }
            return nil
        }
        var request = ActianVectorai_ScrollPoints()
        request.collectionName = Self.metadataCollection(of: name)
        var hasID = ActianVectorai_HasIdCondition()
        hasID.hasID_p = [ActianVectorai_PointId(Self.metadataPointID(of: name))]
        var condition = ActianVectorai_Condition()
        condition.conditionOneOf = .hasID_p(hasID)
        request.filter.must = [condition]
        request.limit = 1
        request.withPayload.selectorOptions = .enable(true)
        let response: ActianVectorai_ScrollResponse
        do {
            response = try await caller.call("read the embedder of collection \"\(name)\"", refusals: [.notFound]) { metadata, options in
                try await self.points.scroll(request, metadata: metadata, options: options)
            }
        } catch is ServerRefusal {
            throw SupportKitError.notSupportKit(name)
        }
        guard let point = response.result.first, let spec = CollectionSpec(name: name, metadataPayload: Payload(wire: point.payload)) else {
            throw SupportKitError.notSupportKit(name)
        }
        specs.withLock { $0[name] = spec }
        return spec
    }

    /// The collection's spec, from the cache when this store has seen it.
    private func requireSpec(_ name: String) async throws -> CollectionSpec {
        if let cached = specs.withLock({ $0[name] }) { return cached }
        guard let spec = try await collection(named: name) else { throw SupportKitError.missingCollection(name) }
        return spec
    }

    // MARK: Points

    public func upsert(_ points: [Point], into collection: String) async throws {
        guard !points.isEmpty else { return }
        let spec = try await requireSpec(collection)
        for point in points where point.vector.count != spec.dimension {
            throw SupportKitError(.invalidInput, "vector of dimension \(point.vector.count) does not fit collection \"\(collection)\" (dimension \(spec.dimension))")
        }
        let batch = configuration.upsertBatchSize
        for start in stride(from: 0, to: points.count, by: batch) {
            var request = ActianVectorai_UpsertPoints()
            request.collectionName = collection
            request.wait = true
            request.points = points[start..<min(start + batch, points.count)].map(ActianVectorai_PointStruct.init)
            _ = try await pointCall("upsert \(request.points.count) point(s) into \"\(collection)\"", collection) { metadata, options in
                try await self.points.upsert(request, metadata: metadata, options: options)
            }
        }
    }

    public func search(_ vector: [Float], in collection: String, filter: Filter?, limit: Int) async throws -> [ScoredPoint] {
        let spec = try await requireSpec(collection)
        guard vector.count == spec.dimension else {
            throw SupportKitError(.invalidInput, "query vector has dimension \(vector.count) but collection \"\(collection)\" holds \(spec.dimension)")
        }
        guard limit > 0 else { return [] }
        var request = ActianVectorai_SearchPoints()
        request.collectionName = collection
        request.vector = vector
        if let filter {
            guard let wire = ActianVectorai_Filter(filter) else { return [] }
            request.filter = wire
        }
        request.limit = UInt64(limit)
        request.withPayload.selectorOptions = .enable(true)
        let response = try await pointCall("search \"\(collection)\"", collection) { metadata, options in
            try await self.points.search(request, metadata: metadata, options: options)
        }
        return response.result.compactMap { hit in
            hit.id.uuidValue.map { ScoredPoint(id: $0, score: hit.score, payload: Payload(wire: hit.payload)) }
        }
    }

    public func delete(in collection: String, matching filter: Filter) async throws {
        var request = ActianVectorai_DeletePoints()
        request.collectionName = collection
        request.wait = true
        if let ids = filter.ids, filter.must.isEmpty, filter.should.isEmpty, filter.mustNot.isEmpty {
            guard !ids.isEmpty else { return }
            var list = ActianVectorai_PointsIdsList()
            list.ids = ids.sorted { $0.uuidString < $1.uuidString }.map(ActianVectorai_PointId.init)
            request.points.pointsSelectorOneOf = .points(list)
        } else {
            guard let wire = ActianVectorai_Filter(filter) else { return }
            request.points.pointsSelectorOneOf = .filter(wire)
        }
        do {
            _ = try await caller.call("delete points from \"\(collection)\"", refusals: [.notFound]) { metadata, options in
                try await self.points.delete(request, metadata: metadata, options: options)
            }
        } catch is ServerRefusal {
            // Deleting from a missing collection deletes nothing, as with the SQLite store.
            return
        }
    }

    public func scroll(
        _ collection: String, filter: Filter?, offset: UUID?, limit: Int, withVectors: Bool
    ) async throws -> (points: [Point], next: UUID?) {
        var request = ActianVectorai_ScrollPoints()
        request.collectionName = collection
        if let filter {
            guard let wire = ActianVectorai_Filter(filter) else {
                _ = try await requireSpec(collection)
                return ([], nil)
            }
            request.filter = wire
        }
        if let offset { request.offset = ActianVectorai_PointId(offset) }
        request.limit = UInt32(clamping: max(1, limit))
        request.withPayload.selectorOptions = .enable(true)
        if withVectors {
            var selector = ActianVectorai_WithVectorsSelector()
            selector.selectorOptions = .enable(true)
            request.withVectors = selector
        }
        let response = try await pointCall("scroll \"\(collection)\"", collection) { metadata, options in
            try await self.points.scroll(request, metadata: metadata, options: options)
        }
        let page = response.result.compactMap { point -> Point? in
            guard let id = point.id.uuidValue else { return nil }
            return Point(id: id, vector: withVectors ? (point.vectors.denseData ?? []) : [], payload: Payload(wire: point.payload))
        }
        return (page, response.hasNextPageOffset ? response.nextPageOffset.uuidValue : nil)
    }

    public func count(in collection: String, filter: Filter?) async throws -> Int {
        var request = ActianVectorai_CountPoints()
        request.collectionName = collection
        request.exact = true
        if let filter {
            guard let wire = ActianVectorai_Filter(filter) else { return 0 }
            request.filter = wire
        }
        do {
            let response = try await caller.call("count points in \"\(collection)\"", refusals: [.notFound]) { metadata, options in
                try await self.points.count(request, metadata: metadata, options: options)
            }
            return Int(clamping: response.result.count)
        } catch is ServerRefusal {
            return 0
        }
    }

    /// A points call whose NOT_FOUND means the collection is missing.
    private func pointCall<Response>(
        _ operation: String, _ collection: String,
        _ body: (Metadata, CallOptions) async throws -> Response
    ) async throws -> Response {
        do {
            return try await caller.call(operation, refusals: [.notFound], body)
        } catch is ServerRefusal {
            specs.withLock { $0[collection] = nil }
            throw SupportKitError.missingCollection(collection)
        }
    }
}

extension SupportKitError {
    static func notSupportKit(_ name: String) -> SupportKitError {
        SupportKitError(
            .invalidInput,
            "collection \"\(name)\" exists in VectorAI DB but has no supportkit metadata (\(VectorAIVectorStore.metadataCollection(of: name))); "
                + "it was not created by supportkit: pass another --collection, or drop it and ingest with --rebuild")
    }
}

extension CollectionSpec {
    /// The payload of the metadata point that records this spec on the server.
    var metadataPayload: Payload {
        [
            "supportkit_collection": .integer(1),
            "collection": .string(name),
            "dimension": .integer(Int64(dimension)),
            "distance": .string(distance.rawValue),
            "embedder_name": .string(embedder.name),
            "embedder_version": .string(embedder.version),
            "embedder_dimension": .integer(Int64(embedder.dimension)),
            "indexed_keys": .list(indexedKeys.map { .string($0) }),
            "full_text_keys": .list(fullTextKeys.map { .string($0) }),
        ]
    }

    /// Reads a spec back from a metadata point's payload; nil when it is not one.
    init?(name: String, metadataPayload payload: Payload) {
        guard payload["supportkit_collection"] != nil,
              let dimension = payload["dimension"]?.intValue,
              let embedderName = payload["embedder_name"]?.stringValue,
              let embedderVersion = payload["embedder_version"]?.stringValue
        else { return nil }
        let distance = payload["distance"]?.stringValue.flatMap(Distance.init(rawValue:)) ?? .cosine
        let embedderDimension = payload["embedder_dimension"]?.intValue ?? dimension
        // Metadata written before keys were declared has none: the next prepareCollection records them.
        self.init(
            name: name, dimension: dimension, distance: distance,
            embedder: EmbedderFingerprint(name: embedderName, version: embedderVersion, dimension: embedderDimension),
            indexedKeys: payload["indexed_keys"]?.stringList ?? [], fullTextKeys: payload["full_text_keys"]?.stringList ?? [])
    }
}
