import Hummingbird

/// Who may call a route: open, or an API key with a scope (and then possibly a customer token in its place, or a
/// key in the query string).
public struct RouteAccess: Sendable, Hashable {
    /// The scope an API key needs; nil for an open route.
    public var scope: APIScope?
    /// Whether a ``CustomerToken`` may stand in for an API key: the chat routes a browser front end uses.
    public var acceptsCustomerTokens = false
    /// Whether the key may come from the `api_key` (or `token`) query parameter: the WebSocket route, where
    /// browsers cannot set headers.
    public var acceptsQueryKey = false
    /// Whether the server's configuration may open the route (`GET /metrics` with `metrics_require_auth: false`).
    var opensWithoutMetricsAuth = false

    /// A route anyone may call.
    public static let open = RouteAccess(scope: nil)

    /// A route that needs an API key with `scope`.
    static func key(_ scope: APIScope, customerTokens: Bool = false, queryKey: Bool = false, configurable: Bool = false) -> RouteAccess {
        RouteAccess(scope: scope, acceptsCustomerTokens: customerTokens, acceptsQueryKey: queryKey, opensWithoutMetricsAuth: configurable)
    }

    /// The scope needed under `configuration`; nil when the route is open.
    func requiredScope(_ configuration: ServerConfiguration) -> APIScope? {
        opensWithoutMetricsAuth && !configuration.metricsRequireAuth ? nil : scope
    }
}

/// One route of a resource: its method and path, who may call it, and the resource's method that answers it.
struct ServerRoute<Resource: Sendable>: Sendable {
    let endpoint: SupportServer.Endpoint
    let handler: @Sendable (Resource, Request, ServerRequestContext) async throws -> Response

    static func get(_ path: String, _ access: RouteAccess, _ handler: @escaping @Sendable (Resource, Request, ServerRequestContext) async throws -> Response) -> Self {
        Self(endpoint: .init(method: "GET", path: path, access: access), handler: handler)
    }

    static func post(_ path: String, _ access: RouteAccess, _ handler: @escaping @Sendable (Resource, Request, ServerRequestContext) async throws -> Response) -> Self {
        Self(endpoint: .init(method: "POST", path: path, access: access), handler: handler)
    }

    static func delete(_ path: String, _ access: RouteAccess, _ handler: @escaping @Sendable (Resource, Request, ServerRequestContext) async throws -> Response) -> Self {
        Self(endpoint: .init(method: "DELETE", path: path, access: access), handler: handler)
    }
}

/// A resource of the API (chat, customers, tickets, operations): one file declares its routes, each with its
/// access, and the handlers; its request and response types live beside it. ``SupportServer/resources`` lists the
/// resources; the router, the endpoint list `openapi.yaml` is checked against, and the key checks all follow from
/// ``routes``.
protocol ServerResource: Sendable {
    /// Builds the resource from the server's dependencies and settings.
    init(server: SupportServer)
    /// Every route of the resource, in registration order.
    static var routes: [ServerRoute<Self>] { get }
}

extension ServerResource {
    /// The resource's endpoints.
    static var endpoints: [SupportServer.Endpoint] { routes.map(\.endpoint) }

    /// Adds the resource's routes to `router` in route groups, one per kind of access, each group carrying that
    /// access's key check (``AuthMiddleware``), so what the router serves and what is authorized are decided by
    /// the same match.
    static func register(on router: Router<ServerRequestContext>, server: SupportServer) {
        let resource = Self(server: server)
        var groups: [RouteAccess: RouterGroup<ServerRequestContext>] = [:]
        for route in routes {
            let access = route.endpoint.access
            let group = groups[access] ?? server.routeGroup(of: router, access: access)
            groups[access] = group
            let handler = route.handler
            group.on(RouterPath(route.endpoint.path), method: HTTPRequest.Method(rawValue: route.endpoint.method) ?? .get) { request, context in
                try await handler(resource, request, context)
            }
        }
    }
}
