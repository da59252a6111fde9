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

/// Checks the API key of one protected route and that the key has the route's scope (403 otherwise), then
/// spends one token of that key's rate limit.
///
/// The router attaches one instance to each protected route with that route's scope (``RouteAccess``, on the group of each resource's routes),
/// so the decision follows the route the router matched on the normalized path (``RequestPath``), never a
/// separate reading of the raw path.
///
/// Keys come from `Authorization: Bearer KEY`; on the WebSocket route, where browsers cannot set headers,
/// also from the `api_key` query parameter. Keys are never logged; a short hash prefix stands in for them.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext
    let keys: APIKeySet
    let limiter: RateLimiter
    /// The scope the route needs; nil for any valid key (unknown paths under `/v1/`, which then answer 404).
    let scope: APIScope?
    /// Whether the key may come from the `api_key` (or `token`) query parameter (the WebSocket route only).
    let acceptsQueryKey: Bool
    /// The identity secret when this route accepts ``CustomerToken``s in place of an API key (chat routes).
    var customerTokens: CustomerTokenPolicy?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let key = Self.presentedKey(request, acceptsQueryKey: acceptsQueryKey) else {
            throw Self.unauthorized("this endpoint needs an API key; send the header `Authorization: Bearer KEY`")
        }
        if key.hasPrefix(CustomerToken.prefix) {
            return try await handleCustomerToken(key, request: request, context: context, next: next)
        }
        guard let scopes = keys.scopes(of: key) else {
            context.logger.notice("rejected API key", metadata: ["key_hash": "\(APIKeySet.fingerprint(of: key))"])
            throw Self.unauthorized("the API key is not valid; check it against the server's keys file or SUPPORTKIT_API_KEYS")
        }
        if let scope, !scopes.contains(scope) {
            context.logger.notice("API key lacks a scope", metadata: ["key_hash": "\(APIKeySet.fingerprint(of: key))", "scope": "\(scope)"])
            throw ServerError(
                .forbidden, .forbidden,
                "this API key may not \(request.method.rawValue) \(request.uri.path): it lacks the scope \(scope); list it after the key in the server's keys file (`KEY chat \(scope)`)")
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

    /// A customer token in place of a key: the `chat` scope only, bound to the token's customer.
    private func handleCustomerToken(
        _ text: Substring, request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let customerTokens else {
            throw Self.unauthorized("customer tokens are accepted only by POST /v1/chat and the WebSocket, and only when the server has an identity secret; use an API key here")
        }
        let token: CustomerToken
        do {
            token = try CustomerToken.verify(text, secret: customerTokens.secret, now: customerTokens.now())
        } catch {
            context.logger.notice("rejected customer token", metadata: ["reason": "\(error)"])
            throw Self.unauthorized(error.description)
        }
        let hash = ContentHasher.hash("customer:" + token.customerId)
        if case .limited(let retryAfter) = limiter.acquire(key: hash) {
            throw ServerError.rateLimited(retryAfterSeconds: retryAfter)
        }
        var context = context
        context.apiKeyHash = hash
        context.tokenCustomerId = token.customerId
        context.logger[metadataKey: "key_hash"] = "\(hash.prefix(8))"
        return try await next(request, context)
    }

    static func presentedKey(_ request: Request, acceptsQueryKey: Bool) -> Substring? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                let key = parts[1].trimmingCharacters(in: .whitespaces)
                return key.isEmpty ? nil : Substring(key)
            }
            return nil
        }
        if acceptsQueryKey {
            for name: Substring in ["token", "api_key"] {
                if let key = request.uri.queryParameters[name], !key.isEmpty { return key }
            }
        }
        return nil
    }

    static func unauthorized(_ message: String) -> ServerError {
        var headers = HTTPFields()
        headers[.wwwAuthenticate] = #"Bearer realm="supportkit""#
        return ServerError(.unauthorized, .unauthorized, message, headers: headers)
    }
}

/// Customer tokens on a route: the shared secret and the clock that decides expiry.
struct CustomerTokenPolicy: Sendable {
    let secret: CustomerToken.Secret
    let now: @Sendable () -> Date

    /// Refuses a request whose customer is not the token's; no-op for requests authenticated with an API key.
    static func check(customerId: String, boundTo bound: String?) throws(ServerError) {
        guard let bound, bound != customerId else { return }
        throw ServerError(
            .forbidden, .forbidden,
            "this customer token belongs to another customer than customer_id \"\(customerId)\"; a token speaks only for the customer it was minted for")
    }
}
