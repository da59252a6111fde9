import Foundation
import Hummingbird

extension Request {
    /// Reads the body up to `limit` bytes; 413 beyond it (checked against `Content-Length` first).
    func collectBody(limit: Int) async throws -> Data {
        let tooLarge = ServerError(
            .contentTooLarge, .payloadTooLarge,
            "the request body is larger than \(limit) bytes; send a shorter message")
        if let length = headers[.contentLength].flatMap(Int.init), length > limit { throw tooLarge }
        var collected = ByteBuffer()
        for try await chunk in body {
            guard collected.readableBytes + chunk.readableBytes <= limit else { throw tooLarge }
            var chunk = chunk
            collected.writeBuffer(&chunk)
        }
        return Data(collected.readableBytesView)
    }

    /// The `limit` query parameter, at most `maximum` (and `maximum` without one); 400 when it is not a whole
    /// number from 1.
    func limitParameter(maximum: Int) throws -> Int {
        guard let raw = uri.queryParameters["limit"] else { return maximum }
        guard let value = Int(raw), value >= 1 else {
            throw ServerError(.badRequest, .badRequest, "query parameter limit must be a whole number from 1 to \(maximum)")
        }
        return min(value, maximum)
    }
}

extension ServerRequestContext {
    /// The path parameter `name` (`{id}`), percent-decoded and checked like an id in a body.
    ///
    /// - Parameter field: What the parameter is, for the error (`customer id`).
    func pathParameter(_ name: String, field: String) throws -> String {
        guard let raw = parameters.get(name) else {
            throw ServerError(.badRequest, .badRequest, "the \(field) is missing from the path")
        }
        let value = raw.removingPercentEncoding ?? raw
        do {
            try JSONBody.validateId(value, field: field)
        } catch {
            throw ServerError(.badRequest, .badRequest, "the \(field) in the path is not valid: it must be 1 to \(JSONBody.maxIdLength) characters without control characters")
        }
        return value
    }
}

extension Response {
    /// A JSON body (``WireJSON``), not cached.
    static func json(_ status: HTTPResponse.Status, _ value: some Encodable) throws -> Response {
        body(status, contentType: "application/json; charset=utf-8", body: try WireJSON.encode(value))
    }

    /// A body of any type, not cached.
    static func body(_ status: HTTPResponse.Status, contentType: String, body: Data, headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.contentType] = contentType
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
