/// Settings of ``SupportServer``; every field has a production-minded default.
public struct ServerConfiguration: Sendable {
    /// Address to bind; `127.0.0.1` keeps the server on loopback.
    public var host: String
    /// Port to bind; 0 picks a free one (tests).
    public var port: Int
    /// How long SIGTERM waits for in-flight requests and open sockets before they are cut.
    public var gracePeriod: Duration
    /// Deadline for one assistant call (chat turn, history or ticket lookup); past it the client gets 504.
    public var requestTimeout: Duration
    /// Largest accepted request body and WebSocket message, in bytes (413 above it).
    public var maxBodyBytes: Int
    /// Sustained requests per second allowed per API key.
    public var rateLimit: Double
    /// Requests an API key may send at once before the rate applies.
    public var burst: Double
    /// Whether `GET /metrics` needs an API key.
    public var metricsRequireAuth: Bool
    /// A conversation's session is dropped after this long without a message.
    public var sessionIdleTimeout: Duration
    /// Most sessions kept at once; the least recently used goes first.
    public var maxSessions: Int
    /// Messages of one conversation that may wait behind the one being answered; one more is answered 409.
    public var maxQueuedTurns: Int
    /// Interval of WebSocket pings; a client that does not answer one is disconnected.
    public var pingInterval: Duration
    /// Most history entries `GET /v1/customers/{id}/history` returns.
    public var maxHistoryEntries: Int
    /// Listen backlog (pending connections the kernel queues).
    public var backlog: Int
    /// Most connections open at once; one more is answered 503 and closed (``ConnectionLimiter``).
    public var maxConnections: Int
    /// A connection idle this long between requests is closed.
    public var idleTimeout: Duration
    /// How long a new connection may take to send its request line and headers (408 after it).
    public var headerTimeout: Duration
    /// Largest request line plus headers, in bytes (431 above it).
    public var maxHeaderBytes: Int

    /// Creates a configuration.
    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        gracePeriod: Duration = .seconds(20),
        requestTimeout: Duration = .seconds(30),
        maxBodyBytes: Int = 64 * 1024,
        rateLimit: Double = 5,
        burst: Double = 20,
        metricsRequireAuth: Bool = true,
        sessionIdleTimeout: Duration = .seconds(30 * 60),
        maxSessions: Int = 10_000,
        maxQueuedTurns: Int = 32,
        pingInterval: Duration = .seconds(30),
        maxHistoryEntries: Int = 50,
        backlog: Int = 1024,
        maxConnections: Int = 4096,
        idleTimeout: Duration = .seconds(60),
        headerTimeout: Duration = .seconds(10),
        maxHeaderBytes: Int = 32 * 1024
    ) {
        self.maxConnections = maxConnections
        self.idleTimeout = idleTimeout
        self.headerTimeout = headerTimeout
        self.maxHeaderBytes = maxHeaderBytes
        self.host = host
        self.port = port
        self.gracePeriod = gracePeriod
        self.requestTimeout = requestTimeout
        self.maxBodyBytes = maxBodyBytes
        self.rateLimit = rateLimit
        self.burst = burst
        self.metricsRequireAuth = metricsRequireAuth
        self.sessionIdleTimeout = sessionIdleTimeout
        self.maxSessions = maxSessions
        self.maxQueuedTurns = maxQueuedTurns
        self.pingInterval = pingInterval
        self.maxHistoryEntries = maxHistoryEntries
        self.backlog = backlog
    }
}
