import Foundation
import Hummingbird
import Logging
import SupportKit

/// Outermost middleware: turns every thrown error into the stable JSON error shape and records the request
/// in the metrics (route, method, status, latency, error code).
struct ObservabilityMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        var errorCode: String?
        do {
            response = try await next(request, context)
        } catch {
            let serverError = ServerError.converting(error, request: request, logger: context.logger)
            errorCode = serverError.code.rawValue
            response = serverError.makeResponse()
        }
        let route = context.endpointPath ?? "NotFound"
        metrics.recordRequest(
            route: route, method: request.method.rawValue, status: response.status.code,
            duration: ContinuousClock.now - start, errorCode: errorCode)
        return response
    }
}

extension ServerError {
    /// The answer for any error a route or middleware threw.
    static func converting(_ error: any Error, request: Request, logger: Logger) -> ServerError {
        switch error {
        case let error as ServerError:
            return error
        case let error as HTTPError:
            let code: Code
            let message: String
            switch error.status.code {
            case 404:
                code = .notFound
                message = "no route for \(request.method.rawValue) \(request.uri.path); see openapi.yaml for the endpoints"
            case 413:
                code = .payloadTooLarge
                message = error.body ?? "the request body is too large"
            case 400..<500:
                code = .badRequest
                message = error.body ?? "the request could not be understood"
            default:
                code = .internalError
                message = "the server failed; the log has the details"
            }
            return ServerError(error.status, code, message, headers: error.headers)
        default:
            logger.error("unhandled error", metadata: ["error": "\(String(describing: error))"])
            return ServerError(.internalServerError, .internalError, "the server failed unexpectedly; the log has the details")
        }
    }
}

/// Checks the API key of protected routes (everything under `/v1/`, and `/metrics` unless it is configured
/// open) and that the key has the route's scope (403 otherwise), then spends one token of that key's rate limit.
///
/// Keys come from `Authorization: Bearer KEY`; on the WebSocket route, where browsers cannot set headers,
/// also from the `api_key` query parameter. Keys are never logged; a short hash prefix stands in for them.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext
    let keys: APIKeySet
    let limiter: RateLimiter
    let metricsRequireAuth: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/v1/") || (path == "/metrics" && metricsRequireAuth) else {
            return try await next(request, context)
        }
        guard let key = Self.presentedKey(request) else {
            throw Self.unauthorized("this endpoint needs an API key; send the header `Authorization: Bearer KEY`")
        }
        guard let scopes = keys.scopes(of: key) else {
            context.logger.notice("rejected API key", metadata: ["key_hash": "\(APIKeySet.fingerprint(of: key))"])
            throw Self.unauthorized("the API key is not valid; check it against the server's keys file or SUPPORTKIT_API_KEYS")
        }
        if let scope = Self.requiredScope(method: request.method, path: path), !scopes.contains(scope) {
            context.logger.notice("API key lacks a scope", metadata: ["key_hash": "\(APIKeySet.fingerprint(of: key))", "scope": "\(scope)"])
            throw ServerError(
                .forbidden, .forbidden,
                "this API key may not \(request.method.rawValue) \(path): it lacks the scope \(scope); list it after the key in the server's keys file (`KEY chat \(scope)`)")
        }
        let hash = ContentHasher.hash(String(key))
        if case .limited(let retryAfter) = limiter.acquire(key: hash) {
            throw ServerError.rateLimited(retryAfterSeconds: retryAfter)
        }
        var context = context
        context.apiKeyHash = hash
        context.logger[metadataKey: "key_hash"] = "\(hash.prefix(8))"
        return try await next(request, context)
    }

    /// The scope a protected request needs, by route; nil for an unknown `/v1/` path (any valid key, then 404).
    static func requiredScope(method: HTTPRequest.Method, path: String) -> APIScope? {
        if path == "/metrics" { return .metrics }
        if path == "/v1/chat" || path == ChatSocketHandler.path || path.hasPrefix("/v1/conversations/") { return .chat }
        if path.hasPrefix("/v1/customers/") { return method == .post ? .historyWrite : .historyRead }
        if path.hasPrefix("/v1/tickets/") { return .ticketsRead }
        return nil
    }

    static func presentedKey(_ request: Request) -> Substring? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                let key = parts[1].trimmingCharacters(in: .whitespaces)
                return key.isEmpty ? nil : Substring(key)
            }
            return nil
        }
        if request.uri.path == ChatSocketHandler.path, let key = request.uri.queryParameters["api_key"], !key.isEmpty {
            return key
        }
        return nil
    }

    static func unauthorized(_ message: String) -> ServerError {
        var headers = HTTPFields()
        headers[.wwwAuthenticate] = #"Bearer realm="supportkit""#
        return ServerError(.unauthorized, .unauthorized, message, headers: headers)
    }
}
