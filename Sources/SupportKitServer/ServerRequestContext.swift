import Hummingbird
import HummingbirdWebSocket

/// The request context of every route: Hummingbird's core storage, the WebSocket handler slot, and the
/// identity of the API key that authenticated the request.
public struct ServerRequestContext: RequestContext, WebSocketRequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// Where the WebSocket route leaves its handler for the upgrade.
    public let webSocket: WebSocketHandlerReference<ServerRequestContext>
    /// SHA-256 of the API key that authenticated the request (never the key itself); `nil` on open routes.
    public var apiKeyHash: String?
    /// The customer a ``CustomerToken`` authenticated, when the request came with one instead of an API key; such a
    /// request may only act as this customer.
    public var tokenCustomerId: String?

    /// Creates a context for a new request.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.webSocket = .init()
        self.apiKeyHash = nil
        self.tokenCustomerId = nil
    }
}
