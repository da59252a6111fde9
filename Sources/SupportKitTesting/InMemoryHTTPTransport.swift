import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
import SupportKit

/// An `HTTPTransport` that answers from a closure, for tests of a client's requests and its handling of answers
/// that need no socket (the wire-level behaviour, deadlines and broken connections, is tested against
/// `LoopbackHTTPServer`). Records every request it was sent.
public final class InMemoryHTTPTransport: HTTPTransport, Sendable {
    /// What the handler answers: a status, headers and a body, or an error to throw (`HTTPTransportError`).
    public enum Answer: Sendable {
        case response(status: Int, headers: [String: String], body: Data)
        case failure(HTTPTransportError)

        /// A JSON answer with `status`.
        public static func json(_ status: Int, _ text: String) -> Answer {
            .response(status: status, headers: ["Content-Type": "application/json"], body: Data(text.utf8))
        }
    }

    private let handler: @Sendable (URLRequest) -> Answer
    private let recorded = Mutex<[URLRequest]>([])

    /// A transport answering each request with `handler`.
    public init(_ handler: @escaping @Sendable (URLRequest) -> Answer) {
        self.handler = handler
    }

    /// Every request sent so far, in order.
    public var requests: [URLRequest] { recorded.withLock { $0 } }

    public func send(_ request: URLRequest, timeout: Double) async throws -> (Data, HTTPURLResponse) {
        recorded.withLock { $0.append(request) }
        switch handler(request) {
        case .failure(let error):
            throw error
        case .response(let status, let headers, let body):
            guard let url = request.url,
                  let response = HTTPURLResponse(url: url, statusCode: status, httpVersion: "HTTP/1.1", headerFields: headers)
            else { throw HTTPTransportError.unreachable("the request has no URL") }
            return (body, response)
        }
    }
}
