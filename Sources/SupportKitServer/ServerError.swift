import Foundation
import Hummingbird

/// An error the server answers with: an HTTP status and a body of the stable shape
/// `{"error": {"code": "...", "message": "..."}}`.
///
/// `code` is for programs (it never changes meaning); `message` is for the person who has to act on it.
public struct ServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Machine-readable reason; new codes may be added.
    public struct Code: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        /// The wire name, e.g. `rate_limited`.
        public var rawValue: String
        /// Creates a code from its wire name.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The request body is not valid JSON or misses a field (400).
        public static let badRequest = Code(rawValue: "bad_request")
        /// No API key or an unknown one (401).
        public static let unauthorized = Code(rawValue: "unauthorized")
        /// The API key is valid but lacks the scope the route needs (403).
        public static let forbidden = Code(rawValue: "forbidden")
        /// No such route or resource (404).
        public static let notFound = Code(rawValue: "not_found")
        /// The conversation already has as many messages waiting for a reply as it may queue (409).
        public static let conversationBusy = Code(rawValue: "conversation_busy")
        /// The request body is larger than the limit (413).
        public static let payloadTooLarge = Code(rawValue: "payload_too_large")
        /// A plain HTTP request to the WebSocket endpoint (426).
        public static let upgradeRequired = Code(rawValue: "upgrade_required")
        /// The API key sent more requests than its rate allows (429).
        public static let rateLimited = Code(rawValue: "rate_limited")
        /// Something failed inside the server (500).
        public static let internalError = Code(rawValue: "internal_error")
        /// The assistant, its store or its model failed or is not loaded (503).
        public static let unavailable = Code(rawValue: "unavailable")
        /// The assistant did not answer within the request timeout (504).
        public static let timeout = Code(rawValue: "timeout")

        /// The wire name.
        public var description: String { rawValue }
    }

    /// HTTP status of the answer.
    public var status: HTTPResponse.Status
    /// Stable machine-readable reason.
    public var code: Code
    /// What went wrong and what to do; never contains secrets.
    public var message: String
    /// Extra headers, e.g. `Retry-After`.
    public var headers: HTTPFields

    /// Creates an error response.
    public init(_ status: HTTPResponse.Status, _ code: Code, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    /// `STATUS code: message`, for logs.
    public var description: String { "\(status.code) \(code): \(message)" }

    /// The JSON body: `{"error": {"code": ..., "message": ...}}`.
    public var body: ErrorBody { ErrorBody(error: .init(code: code.rawValue, message: message)) }

    /// The wire shape of every error answer.
    public struct ErrorBody: Codable, Sendable, Equatable {
        /// `{"code", "message"}`.
        public struct Detail: Codable, Sendable, Equatable {
            /// The error code.
            public var code: String
            /// What went wrong and what to do.
            public var message: String
        }
        /// The error detail.
        public var error: Detail
    }

    static func rateLimited(retryAfterSeconds: Int) -> ServerError {
        var headers = HTTPFields()
        headers[.retryAfter] = String(retryAfterSeconds)
        return ServerError(
            .tooManyRequests, .rateLimited,
            "too many requests for this API key; retry after \(retryAfterSeconds) s or ask for a higher rate limit",
            headers: headers)
    }

    static func timeout(_ what: String, after limit: Duration) -> ServerError {
        ServerError(
            .gatewayTimeout, .timeout,
            "\(what) did not finish within \(limit.formattedSeconds) s; retry later, or raise --request-timeout")
    }
}

extension ServerError: HTTPResponseError {
    /// Renders the error as a JSON response.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        makeResponse()
    }

    func makeResponse() -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        let data = (try? WireJSON.encode(body)) ?? Data(#"{"error":{"code":"internal_error","message":"error"}}"#.utf8)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension Duration {
    /// Seconds as a short decimal, e.g. `2.5`.
    var formattedSeconds: String {
        let value = seconds
        return value == value.rounded() ? String(Int(value)) : String(format: "%.3g", value)
    }
}
