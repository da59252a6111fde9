import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import ServiceLifecycle
import SupportKit
import UnixSignals

/// The REST and WebSocket server for the avatar front end.
///
/// Routes (see `openapi.yaml`): `POST /v1/chat`, `GET /v1/chat/ws`, `POST /v1/conversations/{id}/agent-messages`,
/// `GET` and `POST /v1/customers/{id}/history`, `DELETE /v1/customers/{id}`, `GET /v1/tickets/{id}`, `GET /healthz`, `GET /readyz`,
/// `GET /metrics`, and the chat page at `/`. Everything under `/v1/` needs an API key with the route's scope
/// (``APIScope``); errors have the shape `{"error": {"code", "message"}}`.
public struct SupportServer: Sendable {
    /// One registered route; ``endpoints`` is what the router serves, and what `openapi.yaml` must describe.
    public struct Endpoint: Sendable, Hashable, CaseIterable {
        /// HTTP method, e.g. `GET`.
        public var method: String
        /// Path in OpenAPI syntax (`{id}` for a parameter).
        public var path: String
        /// The scope an API key needs for this route; nil for an open route. The router attaches the check to
        /// the route itself, so this is the one place a route's protection is declared.
        let scope: APIScope?
        let kind: Kind

        enum Kind: Sendable, Hashable {
            case page, healthz, readyz, metrics, chat, chatSocket, agentMessage, history, recordHistory, eraseCustomer, ticket
        }

        /// Every route, in registration order.
        public static let allCases: [Endpoint] = [
            Endpoint(method: "GET", path: "/", scope: nil, kind: .page),
            Endpoint(method: "GET", path: "/healthz", scope: nil, kind: .healthz),
            Endpoint(method: "GET", path: "/readyz", scope: nil, kind: .readyz),
            Endpoint(method: "GET", path: "/metrics", scope: .metrics, kind: .metrics),
            Endpoint(method: "POST", path: "/v1/chat", scope: .chat, kind: .chat),
            Endpoint(method: "GET", path: ChatSocketHandler.path, scope: .chat, kind: .chatSocket),
            Endpoint(method: "POST", path: "/v1/conversations/{id}/agent-messages", scope: .chat, kind: .agentMessage),
            Endpoint(method: "GET", path: "/v1/customers/{id}/history", scope: .historyRead, kind: .history),
            Endpoint(method: "POST", path: "/v1/customers/{id}/history", scope: .historyWrite, kind: .recordHistory),
            Endpoint(method: "DELETE", path: "/v1/customers/{id}", scope: .historyDelete, kind: .eraseCustomer),
            Endpoint(method: "GET", path: "/v1/tickets/{id}", scope: .ticketsRead, kind: .ticket),
        ]

        /// The scope this route needs under `configuration` (`/metrics` may be configured open); nil when open.
        public func requiredScope(_ configuration: ServerConfiguration) -> APIScope? {
            kind == .metrics && !configuration.metricsRequireAuth ? nil : scope
        }

        /// Whether a ``CustomerToken`` may stand in for an API key: the chat routes a browser front end uses.
        var acceptsCustomerTokens: Bool { kind == .chat || kind == .chatSocket }

        /// Whether the route needs an API key (`/metrics` depends on the configuration).
        public func requiresKey(_ configuration: ServerConfiguration) -> Bool {
            requiredScope(configuration) != nil
        }
    }

    /// Every route the router registers.
    public static var endpoints: [Endpoint] { Endpoint.allCases }

    /// Address, limits and timeouts the server was made with.
    public let configuration: ServerConfiguration
    /// The metrics `GET /metrics` shows.
    public let metrics: ServerMetrics
    let dependencies: ServerDependencies
    let keys: APIKeySet
    /// The identity secret for ``CustomerToken``s; nil when the server accepts none.
    let identitySecret: CustomerToken.Secret?
    let now: @Sendable () -> Date
    let limiter: RateLimiter
    let sessions: SessionRegistry
    let logger: Logger
    /// Counts open connections against ``ServerConfiguration/maxConnections``.
    let connectionLimiter: ConnectionLimiter

    /// Creates a server.
    ///
    /// - Parameters:
    ///   - configuration: Address, limits, timeouts.
    ///   - dependencies: The assistant and its lookups.
    ///   - keys: Accepted API keys; with none, every protected route answers 401.
    ///   - logger: Where requests and failures are logged (keys never are).
    ///   - identitySecret: The secret a site's backend signs ``CustomerToken``s with; nil accepts none.
    ///   - clock: Monotonic seconds for the rate limiter; injectable for tests.
    ///   - now: Wall-clock time for token expiry; injectable for tests.
    public init(
        configuration: ServerConfiguration, dependencies: ServerDependencies, keys: APIKeySet, logger: Logger,
        identitySecret: CustomerToken.Secret? = nil,
        clock: @escaping @Sendable () -> Double = RateLimiter.monotonicSeconds,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.identitySecret = identitySecret
        self.now = now
        self.configuration = configuration
        self.dependencies = dependencies
        self.keys = keys
        self.logger = logger
        self.metrics = ServerMetrics()
        self.connectionLimiter = ConnectionLimiter(
            maxConnections: configuration.maxConnections, headerTimeout: configuration.headerTimeout,
            maxHeaderBytes: configuration.maxHeaderBytes, logger: logger)
        self.limiter = RateLimiter(rate: configuration.rateLimit, burst: configuration.burst, now: clock)
        self.sessions = SessionRegistry(
            factory: dependencies.sessions, idleTimeout: configuration.sessionIdleTimeout, capacity: configuration.maxSessions,
            maxQueuedTurns: configuration.maxQueuedTurns)
    }

    var chat: ChatService {
        ChatService(sessions: sessions, timeout: configuration.requestTimeout, metrics: metrics)
    }

    // MARK: Routers

    /// The HTTP router with every endpoint and middleware (what `app.test(.router)` exercises through
    /// ``makeApplication(onServerRunning:)``, which puts path normalization in front of it).
    ///
    /// Each protected route gets its own ``AuthMiddleware`` carrying the route's scope, so what the router serves
    /// and what is authorized are decided by the same match.
    public func makeRouter() -> Router<ServerRequestContext> {
        let router = Router(context: ServerRequestContext.self)
        router.add(middleware: ObservabilityMiddleware(metrics: metrics))
        for endpoint in Self.endpoints {
            let method = HTTPRequest.Method(rawValue: endpoint.method) ?? .get
            routeGroup(of: router, for: endpoint).on(RouterPath(endpoint.path), method: method) { request, context in
                try await self.respond(to: request, context: context, endpoint: endpoint.kind)
            }
        }
        // Unknown paths under /v1/ need a valid key before they answer 404: routes are not probed for free.
        let unknown = router.group().add(middleware: AuthMiddleware(keys: keys, limiter: limiter, scope: nil, acceptsQueryKey: false))
        for method in [HTTPRequest.Method.get, .post, .put, .delete, .patch, .head, .options] {
            unknown.on("/v1/**", method: method) { request, _ -> Response in
                throw ServerError(.notFound, .notFound, "no route for \(request.method.rawValue) \(request.uri.path); see openapi.yaml for the endpoints")
            }
        }
        return router
    }

    /// A group for one route, with the route's key check when it needs one.
    private func routeGroup(of router: Router<ServerRequestContext>, for endpoint: Endpoint) -> RouterGroup<ServerRequestContext> {
        let group = router.group()
        if let scope = endpoint.requiredScope(configuration) {
            let tokens = endpoint.acceptsCustomerTokens ? identitySecret.map { CustomerTokenPolicy(secret: $0, now: now) } : nil
            group.add(middleware: AuthMiddleware(
                keys: keys, limiter: limiter, scope: scope, acceptsQueryKey: endpoint.kind == .chatSocket, customerTokens: tokens))
        }
        return group
    }

    /// The router consulted for WebSocket upgrades: it authenticates (header or `api_key` query parameter) and
    /// rate-limits, then upgrades `GET /v1/chat/ws`. hummingbird-websocket answers a refused handshake itself with
    /// 400 and closes the connection, so no socket opens without a valid key. A plain GET (no `Upgrade` header)
    /// reaches ``makeRouter()``, which answers 401 or 426 with the usual error body.
    func makeWebSocketRouter() -> Router<ServerRequestContext> {
        let router = Router(context: ServerRequestContext.self)
        // Counts handshakes (200 = upgraded) and refusals in the same request metrics as plain HTTP.
        router.add(middleware: ObservabilityMiddleware(metrics: metrics))
        let handler = ChatSocketHandler(chat: chat, limiter: limiter, metrics: metrics, maxMessageBytes: configuration.maxBodyBytes)
        guard let endpoint = Self.endpoints.first(where: { $0.kind == .chatSocket }) else { return router }
        routeGroup(of: router, for: endpoint).ws(RouterPath(endpoint.path), onUpgrade: { inbound, outbound, context in
            try await handler.handle(inbound: inbound, outbound: outbound, context: context)
        })
        return router
    }

    /// The Hummingbird application: HTTP/1.1 with WebSocket upgrade, bound to the configured address.
    ///
    /// - Parameter onServerRunning: Called with the bound port once the server accepts connections.
    public func makeApplication(
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let webSocket = WebSocketServerConfiguration(
            // A single-frame message is limited only by the frame size, so the frame limit is the message limit.
            maxFrameSize: configuration.maxBodyBytes,
            autoPing: .enabled(timePeriod: configuration.pingInterval),
            closeTimeout: .seconds(5),
            // RFC 6455 8.1: a text message that is not UTF-8 closes the socket with 1007.
            validateUTF8: true)
        var http1 = HTTP1Channel.Configuration(idleTimeout: .seconds(Int64(configuration.idleTimeout.components.seconds)))
        // The guard answers 431 first; the decoder's own limit stays above it for later requests on a connection.
        http1.httpDecoder = .init(maxHeaderFieldSize: max(configuration.maxHeaderBytes, 16 * 1024), maxHeaderListSize: max(configuration.maxHeaderBytes, 16 * 1024))
        let channel = HTTP1WebSocketUpgradeChannel.Configuration(http1: http1, ws: webSocket)
        let webSocketResponder = PathNormalizingRouter(router: makeWebSocketRouter(), metrics: metrics).buildResponder()
        let limiter = connectionLimiter
        return Application(
            router: PathNormalizingRouter(router: makeRouter(), metrics: metrics),
            server: HTTPServerBuilder { responder in
                GuardedChildChannel(
                    inner: HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: webSocketResponder, configuration: channel),
                    limiter: limiter)
            },
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: "supportkit",
                backlog: configuration.backlog),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    /// Serves until SIGTERM or SIGINT, then stops accepting connections, lets in-flight requests finish and
    /// closes WebSockets (close code 1000), for at most ``ServerConfiguration/gracePeriod``; what is still running
    /// after it is cancelled.
    ///
    /// - Parameter onServerRunning: Called with the bound port once the server accepts connections.
    /// - Throws: When the address cannot be bound.
    public func run(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        var group = ServiceGroupConfiguration(
            services: [makeApplication(onServerRunning: onServerRunning)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = configuration.gracePeriod
        group.maximumCancellationDuration = .seconds(2)
        try await ServiceGroup(configuration: group).run()
    }

    // MARK: Handlers

    func respond(to request: Request, context: ServerRequestContext, endpoint: Endpoint.Kind) async throws -> Response {
        switch endpoint {
        case .page:
            return Self.response(.ok, contentType: "text/html; charset=utf-8", body: Data(AvatarPage.html.utf8), headers: AvatarPage.headers)
        case .healthz:
            return try Self.json(.ok, ["status": "ok"])
        case .readyz:
            return try await readiness(context: context)
        case .metrics:
            return Self.response(.ok, contentType: "text/plain; version=0.0.4; charset=utf-8", body: Data(metrics.render().utf8))
        case .chat:
            let body = try await Self.collectBody(request, limit: configuration.maxBodyBytes)
            let chatRequest = try ChatRequest.parse(body)
            try CustomerTokenPolicy.check(customerId: chatRequest.customerId, boundTo: context.tokenCustomerId)
            let reply = try await chat.respond(to: chatRequest, transport: "http", logger: context.logger)
            return try Self.json(.ok, reply)
        case .chatSocket:
            throw ServerError(
                .upgradeRequired, .upgradeRequired,
                "GET \(ChatSocketHandler.path) is a WebSocket endpoint; connect with a WebSocket client (Upgrade: websocket), or use POST /v1/chat")
        case .agentMessage:
            let conversationId = try Self.pathParameter("id", context: context, field: "conversation id")
            let body = try await Self.collectBody(request, limit: configuration.maxBodyBytes)
            try await chat.recordAgentMessage(AgentMessageRequest.parse(body), conversationId: conversationId, logger: context.logger)
            return Self.response(.noContent, contentType: "application/json; charset=utf-8", body: Data())
        case .recordHistory:
            let customerId = try Self.pathParameter("id", context: context, field: "customer id")
            guard let recorder = dependencies.historyRecorder else {
                throw ServerError(.notFound, .notFound, "this server does not accept customer history; its assistant has no writable memory")
            }
            let body = try await Self.collectBody(request, limit: configuration.maxBodyBytes)
            let record = try HistoryRecordRequest.parse(body)
            do {
                try await withAbandoningDeadline(configuration.requestTimeout) {
                    try await recorder.record(record.entries, profile: record.profile, forCustomer: customerId)
                }
            } catch {
                throw ChatService.mapAssistantError(error, what: "the customer memory", timeout: configuration.requestTimeout, logger: context.logger)
            }
            struct Recorded: Encodable {
                var customerId: String
                var recorded: Int
                enum CodingKeys: String, CodingKey { case customerId = "customer_id", recorded }
            }
            return try Self.json(.created, Recorded(customerId: customerId, recorded: record.entries.count))
        case .eraseCustomer:
            let customerId = try Self.pathParameter("id", context: context, field: "customer id")
            guard let eraser = dependencies.eraser else {
                throw ServerError(.notFound, .notFound, "this server does not erase customers; its assistant has no writable memory")
            }
            let erasure: CustomerErasure
            do {
                erasure = try await withAbandoningDeadline(configuration.requestTimeout) { try await eraser.erase(customer: customerId) }
            } catch {
                throw ChatService.mapAssistantError(error, what: "the customer memory", timeout: configuration.requestTimeout, logger: context.logger)
            }
            let sessions = await self.sessions.removeSessions(ofCustomer: customerId)
            context.logger.info("customer erased", metadata: [
                "memory_entries": "\(erasure.memoryEntries)", "tickets": "\(erasure.tickets)", "sessions": "\(sessions)"])
            struct Erased: Encodable {
                var customerId: String
                var deleted: CustomerErasure
                var sessionsClosed: Int
                enum CodingKeys: String, CodingKey { case customerId = "customer_id", deleted, sessionsClosed = "sessions_closed" }
            }
            return try Self.json(.ok, Erased(customerId: customerId, deleted: erasure, sessionsClosed: sessions))
        case .history:
            let customerId = try Self.pathParameter("id", context: context, field: "customer id")
            let limit = try Self.limit(request, maximum: configuration.maxHistoryEntries)
            let provider = dependencies.history
            let entries: [CustomerHistoryEntry]?
            do {
                entries = try await withAbandoningDeadline(configuration.requestTimeout) {
                    try await provider.history(forCustomer: customerId, limit: limit)
                }
            } catch {
                throw ChatService.mapAssistantError(error, what: "the customer memory", timeout: configuration.requestTimeout, logger: context.logger)
            }
            guard let entries else {
                throw ServerError(.notFound, .notFound, "no customer \(customerId) in the assistant's memory; check the id")
            }
            return try Self.json(.ok, HistoryPayload(customerId: customerId, entries: Array(entries.prefix(limit))))
        case .ticket:
            let ticketId = try Self.pathParameter("id", context: context, field: "ticket id")
            let tickets = dependencies.tickets
            let ticket: Ticket?
            do {
                ticket = try await withAbandoningDeadline(configuration.requestTimeout) { try await tickets.ticket(id: ticketId) }
            } catch {
                throw ChatService.mapAssistantError(error, what: "the ticket store", timeout: configuration.requestTimeout, logger: context.logger)
            }
            guard let ticket else {
                throw ServerError(.notFound, .notFound, "no ticket \(ticketId); ticket ids come from chat replies (ticket.id)")
            }
            return try Self.json(.ok, TicketPayload(ticket, includeTranscript: true))
        }
    }

    private func readiness(context: ServerRequestContext) async throws -> Response {
        let probe = dependencies.readiness
        let checks: [ReadinessCheck]
        let deployment: [String: String]
        do {
            (checks, deployment) = try await withAbandoningDeadline(configuration.requestTimeout) {
                (await probe.checkReadiness(), await probe.deployment())
            }
        } catch {
            checks = [ReadinessCheck(name: "readiness", isReady: false, detail: "the readiness check did not finish within \(configuration.requestTimeout.formattedSeconds) s")]
            deployment = [:]
        }
        let notReady = checks.filter { !$0.isReady }
        let payload = ReadinessPayload(
            ready: notReady.isEmpty, checks: checks.map { .init(name: $0.name, ready: $0.isReady, detail: $0.detail) },
            deployment: deployment)
        guard notReady.isEmpty else {
            // Same error shape as every other failure, plus the checks so an operator sees what is missing.
            struct NotReady: Encodable {
                var error: ServerError.ErrorBody.Detail
                var ready: Bool
                var checks: [ReadinessPayload.Check]
            }
            let message = "not ready: " + notReady.map { "\($0.name)\($0.detail.map { " (\($0))" } ?? "")" }.joined(separator: ", ")
            return try Self.json(.serviceUnavailable, NotReady(error: .init(code: ServerError.Code.unavailable.rawValue, message: message), ready: false, checks: payload.checks))
        }
        return try Self.json(.ok, payload)
    }

    // MARK: Helpers

    /// Reads the body up to `limit` bytes; 413 beyond it (checked against `Content-Length` first).
    static func collectBody(_ request: Request, limit: Int) async throws -> Data {
        let tooLarge = ServerError(
            .contentTooLarge, .payloadTooLarge,
            "the request body is larger than \(limit) bytes; send a shorter message")
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw tooLarge }
        var collected = ByteBuffer()
        for try await chunk in request.body {
            guard collected.readableBytes + chunk.readableBytes <= limit else { throw tooLarge }
            var chunk = chunk
            collected.writeBuffer(&chunk)
        }
        return Data(collected.readableBytesView)
    }

    static func pathParameter(_ name: String, context: ServerRequestContext, field: String) throws -> String {
        guard let raw = context.parameters.get(name) else {
            throw ServerError(.badRequest, .badRequest, "the \(field) is missing from the path")
        }
        let value = raw.removingPercentEncoding ?? raw
        do {
            try ChatRequest.validateId(value, field: field)
        } catch {
            throw ServerError(.badRequest, .badRequest, "the \(field) in the path is not valid: it must be 1 to \(ChatRequest.maxIdLength) characters without control characters")
        }
        return value
    }

    static func limit(_ request: Request, maximum: Int) throws -> Int {
        guard let raw = request.uri.queryParameters["limit"] else { return maximum }
        guard let value = Int(raw), value >= 1 else {
            throw ServerError(.badRequest, .badRequest, "query parameter limit must be a whole number from 1 to \(maximum)")
        }
        return min(value, maximum)
    }

    static func json(_ status: HTTPResponse.Status, _ value: some Encodable) throws -> Response {
        response(status, contentType: "application/json; charset=utf-8", body: try WireJSON.encode(value))
    }

    static func response(_ status: HTTPResponse.Status, contentType: String, body: Data, headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.contentType] = contentType
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
