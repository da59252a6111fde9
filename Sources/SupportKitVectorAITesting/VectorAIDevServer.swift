import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import SupportKit
import SupportKitVectorAI
import Synchronization

/// A stand-in for Actian VectorAI DB: the same gRPC services and wire format (through the generated code),
/// backed by any supportkit `VectorStore` (SQLite or in memory).
///
/// The real server ships as a container image that cannot run everywhere; this one lets tests and
/// `supportkit vectorai-dev-server` exercise `VectorAIVectorStore` end to end on loopback. It answers like
/// the real server where supportkit can tell: NOT_FOUND for a missing collection, ALREADY_EXISTS when
/// creating an existing one, inclusive scroll offsets with `next_page_offset`, UUID point ids only.
public struct VectorAIDevServer: Sendable {
    /// Server settings.
    public struct Configuration: Sendable {
        /// Address to bind; default loopback.
        public var host: String
        /// Port to bind; 0 picks a free one.
        public var port: Int
        /// When set, calls without this `api-key` metadata fail with UNAUTHENTICATED.
        public var requiredAPIKey: String?
        /// Failures to inject before calls run, for retry tests.
        public var faults: FaultInjector?

        /// - Parameters:
        ///   - host: address to bind; default `127.0.0.1`.
        ///   - port: port to bind; default 0 (any free port).
        ///   - requiredAPIKey: the key clients must send, if any.
        ///   - faults: failures to inject, if any.
        public init(host: String = "127.0.0.1", port: Int = 0, requiredAPIKey: String? = nil, faults: FaultInjector? = nil) {
            self.host = host
            self.port = port
            self.requiredAPIKey = requiredAPIKey
            self.faults = faults
        }
    }

    /// The store that holds the server's collections.
    public let store: any VectorStore
    /// The settings.
    public let configuration: Configuration

    /// - Parameters:
    ///   - store: where collections and points live.
    ///   - configuration: address, API key, faults.
    public init(store: any VectorStore, configuration: Configuration = Configuration()) {
        self.store = store
        self.configuration = configuration
    }

    /// Runs the server while `body` runs, then shuts it down gracefully.
    ///
    /// - Parameters:
    ///   - services: the services to offer; default `services` (tests may wrap one of them).
    ///   - body: receives the bound port.
    /// - Returns: what `body` returns.
    /// - Throws: when the address cannot be bound, or what `body` throws.
    public func withRunning<Result: Sendable>(
        services: [any RegistrableRPCService]? = nil, _ body: (Int) async throws -> Result
    ) async throws -> Result {
        try await withGRPCServer(
            transport: .http2NIOPosix(address: .ipv4(host: configuration.host, port: configuration.port), transportSecurity: .plaintext),
            services: services ?? self.services, interceptors: interceptors
        ) { server in
            let address = try await server.transport.listeningAddress
            guard let port = address.ipv4?.port ?? address.ipv6?.port else {
                throw SupportKitError(.unavailable, "the development server did not bind a TCP port on \(configuration.host)")
            }
            return try await body(port)
        }
    }

    /// Serves until the task is cancelled.
    ///
    /// - Parameter onListening: called once with the bound port.
    public func serve(onListening: @Sendable (Int) -> Void) async throws {
        try await withRunning { port in
            onListening(port)
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(3600))
            }
        }
    }

    /// The three services: ActianVectorAI (health), Collections, Points.
    public var services: [any RegistrableRPCService] {
        [healthService, collectionsService, pointsService]
    }

    /// `actian_vectorai.ActianVectorAI`: the health check.
    public var healthService: some ActianVectorai_ActianVectorAI.SimpleServiceProtocol { HealthService() }
    /// `actian_vectorai.Collections` over the backing store.
    public var collectionsService: some ActianVectorai_Collections.SimpleServiceProtocol { CollectionsService(store: store) }
    /// `actian_vectorai.Points` over the backing store.
    public var pointsService: some ActianVectorai_Points.SimpleServiceProtocol { PointsService(store: store) }

    var interceptors: [any ServerInterceptor] {
        var list: [any ServerInterceptor] = []
        if let faults = configuration.faults { list.append(faults) }
        if let key = configuration.requiredAPIKey { list.append(APIKeyCheck(key: key)) }
        return list
    }
}

/// Makes chosen calls fail with a chosen status before they reach the service, and counts calls per method.
public final class FaultInjector: ServerInterceptor, Sendable {
    private struct State {
        var pending: [String: [RPCError.Code]] = [:]
        var calls: [String: Int] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// The next calls of `method` (e.g. `Upsert`, `HealthCheck`) fail with `codes`, one each, in order.
    public func fail(_ method: String, with codes: [RPCError.Code]) {
        state.withLock { $0.pending[method, default: []].append(contentsOf: codes) }
    }

    /// How many calls of `method` arrived, failed ones included.
    public func calls(of method: String) -> Int {
        state.withLock { $0.calls[method] ?? 0 }
    }

    public func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>, context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        let method = context.descriptor.method
        let failure = state.withLock { state -> RPCError.Code? in
            state.calls[method, default: 0] += 1
            guard var codes = state.pending[method], !codes.isEmpty else { return nil }
            let code = codes.removeFirst()
            state.pending[method] = codes
            return code
        }
        if let failure { throw RPCError(code: failure, message: "injected failure") }
        return try await next(request, context)
    }
}

/// Refuses calls whose `api-key` metadata is not the expected key.
struct APIKeyCheck: ServerInterceptor {
    let key: String

    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>, context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        guard request.metadata[stringValues: "api-key"].contains(key) else {
            throw RPCError(code: .unauthenticated, message: "missing or wrong api-key")
        }
        return try await next(request, context)
    }
}

// MARK: Services

struct HealthService: ActianVectorai_ActianVectorAI.SimpleServiceProtocol {
    func healthCheck(request: ActianVectorai_HealthCheckRequest, context: ServerContext) async throws -> ActianVectorai_HealthCheckReply {
        var reply = ActianVectorai_HealthCheckReply()
        reply.title = "supportkit vectorai-dev-server"
        reply.version = "1"
        return reply
    }
}

struct CollectionsService: ActianVectorai_Collections.SimpleServiceProtocol {
    let store: any VectorStore

    func create(request: ActianVectorai_CreateCollection, context: ServerContext) async throws -> ActianVectorai_CollectionOperationResponse {
        let name = request.collectionName
        try validateName(name)
        guard case .params(let params) = request.vectorsConfig.config, params.size > 0 else {
            throw RPCError(code: .invalidArgument, message: "vectors_config.params with a size is required")
        }
        guard params.distance == .cosine else {
            throw RPCError(code: .invalidArgument, message: "this server supports the Cosine distance only")
        }
        if try await serverCall({ try await store.collection(named: name) }) != nil {
            throw RPCError(code: .alreadyExists, message: "Collection `\(name)` already exists!")
        }
        let dimension = Int(params.size)
        try await serverCall {
            try await store.prepareCollection(CollectionSpec(
                name: name, dimension: dimension, embedder: EmbedderFingerprint(name: "vectorai-dev-server", version: "1", dimension: dimension)))
        }
        var response = ActianVectorai_CollectionOperationResponse()
        response.result = true
        return response
    }

    func delete(request: ActianVectorai_DeleteCollection, context: ServerContext) async throws -> ActianVectorai_CollectionOperationResponse {
        let existed = try await serverCall { try await store.collection(named: request.collectionName) } != nil
        if existed { try await serverCall { try await store.deleteCollection(request.collectionName) } }
        var response = ActianVectorai_CollectionOperationResponse()
        response.result = existed
        return response
    }

    func collectionExists(request: ActianVectorai_CollectionExistsRequest, context: ServerContext) async throws -> ActianVectorai_CollectionExistsResponse {
        var response = ActianVectorai_CollectionExistsResponse()
        response.result.exists = try await serverCall { try await store.collection(named: request.collectionName) } != nil
        return response
    }
}

struct PointsService: ActianVectorai_Points.SimpleServiceProtocol {
    let store: any VectorStore

    private func requireCollection(_ name: String) async throws -> CollectionSpec {
        guard let spec = try await serverCall({ try await store.collection(named: name) }) else {
            throw RPCError(code: .notFound, message: "Not found: Collection `\(name)` doesn't exist!")
        }
        return spec
    }

    private func completed() -> ActianVectorai_PointsOperationResponse {
        var response = ActianVectorai_PointsOperationResponse()
        response.result.status = .completed
        return response
    }

    func upsert(request: ActianVectorai_UpsertPoints, context: ServerContext) async throws -> ActianVectorai_PointsOperationResponse {
        let spec = try await requireCollection(request.collectionName)
        var points: [Point] = []
        points.reserveCapacity(request.points.count)
        for wire in request.points {
            guard let id = wire.id.uuidValue else {
                throw RPCError(code: .invalidArgument, message: "this server supports UUID point ids only")
            }
            guard let vector = wire.vectors.denseData, vector.count == spec.dimension else {
                throw RPCError(code: .invalidArgument, message: "point \(id): a dense vector of dimension \(spec.dimension) is required")
            }
            points.append(Point(id: id, vector: vector, payload: Payload(wire: wire.payload)))
        }
        try await serverCall { try await store.upsert(points, into: request.collectionName) }
        return completed()
    }

    func delete(request: ActianVectorai_DeletePoints, context: ServerContext) async throws -> ActianVectorai_PointsOperationResponse {
        _ = try await requireCollection(request.collectionName)
        let filter: Filter
        switch request.points.pointsSelectorOneOf {
        case .points(let list):
            var ids = Set<UUID>()
            for id in list.ids {
                guard let uuid = id.uuidValue else { throw RPCError(code: .invalidArgument, message: "this server supports UUID point ids only") }
                ids.insert(uuid)
            }
            filter = Filter(ids: ids)
        case .filter(let wire):
            filter = try convert(wire)
        case .none:
            throw RPCError(code: .invalidArgument, message: "points selector is required")
        }
        try await serverCall { try await store.delete(in: request.collectionName, matching: filter) }
        return completed()
    }

    func createFieldIndex(request: ActianVectorai_CreateFieldIndexCollection, context: ServerContext) async throws -> ActianVectorai_PointsOperationResponse {
        // Declared on the backing store, which then indexes the field as VectorAI DB would.
        var spec = try await requireCollection(request.collectionName)
        if !spec.indexedKeys.contains(request.fieldName) {
            spec.indexedKeys.append(request.fieldName)
            try await serverCall { try await store.prepareCollection(spec) }
        }
        return completed()
    }

    func search(request: ActianVectorai_SearchPoints, context: ServerContext) async throws -> ActianVectorai_SearchResponse {
        let spec = try await requireCollection(request.collectionName)
        guard request.vector.count == spec.dimension else {
            throw RPCError(code: .invalidArgument, message: "query vector has dimension \(request.vector.count), collection has \(spec.dimension)")
        }
        let filter = request.hasFilter ? try convert(request.filter) : nil
        let limit = Int(clamping: request.limit)
        let hits = try await serverCall { try await store.search(request.vector, in: request.collectionName, filter: filter, limit: limit) }
        let withPayload = request.withPayload.selectorOptions.map { if case .enable(let flag) = $0 { flag } else { true } } ?? false
        var response = ActianVectorai_SearchResponse()
        response.result = hits.map { hit in
            var point = ActianVectorai_ScoredPoint()
            point.id = ActianVectorai_PointId(hit.id)
            point.score = hit.score
            if withPayload { point.payload = hit.payload.wirePayload }
            return point
        }
        return response
    }

    func scroll(request: ActianVectorai_ScrollPoints, context: ServerContext) async throws -> ActianVectorai_ScrollResponse {
        _ = try await requireCollection(request.collectionName)
        let filter = request.hasFilter ? try convert(request.filter) : nil
        var offset: UUID?
        if request.hasOffset {
            guard let uuid = request.offset.uuidValue else { throw RPCError(code: .invalidArgument, message: "this server supports UUID point ids only") }
            offset = uuid
        }
        let limit = request.hasLimit ? Int(request.limit) : 10
        let withVectors = request.hasWithVectors && request.withVectors.selectorOptions == .enable(true)
        let withPayload = request.withPayload.selectorOptions.map { if case .enable(let flag) = $0 { flag } else { true } } ?? true
        let page = try await serverCall {
            try await store.scroll(request.collectionName, filter: filter, offset: offset, limit: max(1, limit), withVectors: withVectors)
        }
        var response = ActianVectorai_ScrollResponse()
        response.result = page.points.map { point in
            var retrieved = ActianVectorai_RetrievedPoint()
            retrieved.id = ActianVectorai_PointId(point.id)
            if withPayload { retrieved.payload = point.payload.wirePayload }
            if withVectors {
                var vector = ActianVectorai_VectorOutput()
                vector.data = point.vector
                var vectors = ActianVectorai_VectorsOutput()
                vectors.vectorsOptions = .vector(vector)
                retrieved.vectors = vectors
            }
            return retrieved
        }
        if let next = page.next { response.nextPageOffset = ActianVectorai_PointId(next) }
        return response
    }

    func count(request: ActianVectorai_CountPoints, context: ServerContext) async throws -> ActianVectorai_CountResponse {
        _ = try await requireCollection(request.collectionName)
        let filter = request.hasFilter ? try convert(request.filter) : nil
        var response = ActianVectorai_CountResponse()
        response.result.count = UInt64(try await serverCall { try await store.count(in: request.collectionName, filter: filter) })
        return response
    }

    private func convert(_ wire: ActianVectorai_Filter) throws -> Filter {
        do {
            return try Filter(wire)
        } catch let error as SupportKitError {
            throw RPCError(code: .invalidArgument, message: error.message)
        }
    }
}

/// Collection names the real server accepts: letters, digits, `_`, `-`, `.`; at most 255 characters.
func validateName(_ name: String) throws {
    guard !name.isEmpty, name.count <= 255,
          name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") })
    else {
        throw RPCError(code: .invalidArgument, message: "invalid collection name \"\(name)\"")
    }
}

/// Runs a backing-store call, turning its errors into gRPC statuses.
func serverCall<Result>(_ body: () async throws -> Result) async throws -> Result {
    do {
        return try await body()
    } catch let error as RPCError {
        throw error
    } catch let error as SupportKitError {
        throw RPCError(code: error.code == .invalidInput ? .invalidArgument : .internalError, message: error.message)
    } catch {
        throw RPCError(code: .internalError, message: "\(error)")
    }
}
