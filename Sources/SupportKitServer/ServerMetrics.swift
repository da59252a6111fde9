import Prometheus
import Synchronization

/// The server's Prometheus metrics, in a registry of its own (no global metrics bootstrap, so tests and
/// several servers in one process do not share counters).
///
/// - `supportkit_http_requests_total{route, method, status}`
/// - `supportkit_http_request_duration_seconds{route}` (histogram)
/// - `supportkit_http_errors_total{route, code}`: answers with an error body, by error code
/// - `supportkit_escalations_total{transport}`, `supportkit_tickets_opened_total{transport}`
/// - `supportkit_chat_turns_total{transport}`
/// - `supportkit_websocket_connections` (gauge), `supportkit_websocket_messages_total{outcome}`
/// - `supportkit_sessions` (gauge)
public final class ServerMetrics: Sendable {
    /// The registry `GET /metrics` renders.
    public let registry = PrometheusCollectorRegistry()
    private let openSocketCount = Mutex(0)
    private let socketGauge: Gauge
    private let sessionGauge: Gauge

    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
        .seconds(10), .seconds(30),
    ]

    /// Creates the metrics with every fixed series registered (so they show as 0 before the first event).
    public init() {
        socketGauge = registry.makeGauge(descriptor: Self.name("websocket_connections", "Open WebSocket connections."))
        sessionGauge = registry.makeGauge(descriptor: Self.name("sessions", "Open assistant sessions."))
        for transport in ["http", "websocket"] {
            _ = registry.makeCounter(descriptor: Self.name("escalations_total", "Turns the assistant escalated to a person."), labels: [("transport", transport)])
            _ = registry.makeCounter(descriptor: Self.name("chat_turns_total", "Chat turns answered."), labels: [("transport", transport)])
        }
    }

    /// Records one HTTP answer.
    func recordRequest(route: String, method: String, status: Int, duration: Duration, errorCode: String?) {
        registry.makeCounter(
            descriptor: Self.name("http_requests_total", "HTTP requests by route, method and status."),
            labels: [("route", route), ("method", method), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: Self.name("http_request_duration_seconds", "Time to answer, by route."),
            labels: [("route", route)], buckets: Self.latencyBuckets
        ).record(duration)
        if let errorCode {
            recordError(route: route, code: errorCode)
        }
    }

    /// Records one error answer (HTTP or WebSocket event).
    func recordError(route: String, code: String) {
        registry.makeCounter(
            descriptor: Self.name("http_errors_total", "Error answers by route and error code."),
            labels: [("route", route), ("code", code)]
        ).increment()
    }

    /// Records one answered chat turn.
    func recordTurn(transport: String, escalated: Bool, ticketOpened: Bool) {
        registry.makeCounter(descriptor: Self.name("chat_turns_total", "Chat turns answered."), labels: [("transport", transport)]).increment()
        if escalated {
            registry.makeCounter(descriptor: Self.name("escalations_total", "Turns the assistant escalated to a person."), labels: [("transport", transport)]).increment()
        }
        if ticketOpened {
            registry.makeCounter(descriptor: Self.name("tickets_opened_total", "Tickets opened by chat turns."), labels: [("transport", transport)]).increment()
        }
    }

    /// Records one WebSocket message by outcome (`reply`, `error`, `rate_limited`, `timeout`).
    func recordSocketMessage(outcome: String) {
        registry.makeCounter(
            descriptor: Self.name("websocket_messages_total", "WebSocket messages received, by outcome."),
            labels: [("outcome", outcome)]
        ).increment()
    }

    /// Counts a WebSocket connection in (+1) or out (-1).
    func socketOpened(_ delta: Int) {
        let value = openSocketCount.withLock { count in
            count += delta
            return count
        }
        socketGauge.set(Double(value))
    }

    /// Open WebSocket connections right now.
    public var openSockets: Int { openSocketCount.withLock { $0 } }

    func setSessions(_ count: Int) {
        sessionGauge.set(Double(count))
    }

    /// Prometheus text exposition of every metric.
    public func render() -> String {
        registry.emitToString()
    }

    private static func name(_ metric: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "supportkit", metricName: metric, unitName: "", helpText: help)
    }
}
