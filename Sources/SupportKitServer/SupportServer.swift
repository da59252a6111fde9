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
/// The routes are declared by their resources (``ServerResource``: chat, customers, tickets, operations) and
/// described in `openapi.yaml`, which a test keeps equal to them. Everything under `/v1/` needs an API key with the
/// route's scope (``APIScope``); errors have the shape `{"error": {"code", "message"}}`.
public struct SupportServer: Sendable {
    /// One registered route: what `openapi.yaml` must describe. Routes are declared by their resource
    /// (``ServerResource``), with their access.
    public struct Endpoint: Sendable, Hashable {
        /// HTTP method, e.g. `GET`.
        public var method: String
        /// Path in OpenAPI syntax (`{id}` for a parameter).
        public var path: String
        /// Who may call it; the router attaches the key check to the route's group, so this is the one place a
        /// route's protection is declared.
        public var access: RouteAccess

        /// The scope this route needs under `configuration` (`/metrics` may be configured open); nil when open.
        public func requiredScope(_ configuration: ServerConfiguration) -> APIScope? {
            access.requiredScope(configuration)
        }

        /// Whether the route needs an API key (`/metrics` depends on the configuration).
        public func requiresKey(_ configuration: ServerConfiguration) -> Bool {
            requiredScope(configuration) != nil
        }
    }

    /// The API's resources, in registration order: each declares its routes in its own file.
    static let resources: [any ServerResource.Type] = [OperationsRoutes.self, ChatRoutes.self, CustomerRoutes.self, TicketRoutes.self]

    /// Every route the router registers.
    public static var endpoints: [Endpoint] { resources.flatMap { $0.endpoints } }

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
    /// Each resource adds its routes in route groups, one per kind of access, the group carrying that access's
    /// ``AuthMiddleware``, so what the router serves and what is authorized are decided by the same match.
    public func makeRouter() -> Router<ServerRequestContext> {
        let router = Router(context: ServerRequestContext.self)
        router.add(middleware: ObservabilityMiddleware(metrics: metrics))
        for resource in Self.resources {
            resource.register(on: router, server: self)
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

    /// A route group with the key check `access` asks for, if any.
    func routeGroup(of router: Router<ServerRequestContext>, access: RouteAccess) -> RouterGroup<ServerRequestContext> {
        let group = router.group()
        if let scope = access.requiredScope(configuration) {
            let tokens = access.acceptsCustomerTokens ? identitySecret.map { CustomerTokenPolicy(secret: $0, now: now) } : nil
            group.add(middleware: AuthMiddleware(
                keys: keys, limiter: limiter, scope: scope, acceptsQueryKey: access.acceptsQueryKey, customerTokens: tokens))
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
        let endpoint = ChatRoutes.socket.endpoint
        routeGroup(of: router, access: endpoint.access).ws(RouterPath(endpoint.path), onUpgrade: { inbound, outbound, context in
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
}
