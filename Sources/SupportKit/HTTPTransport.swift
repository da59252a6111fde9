import AsyncHTTPClient
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOPosix
import NIOSSL

/// Sends one HTTP request and returns the response, whatever its status; the seam between a client of a
/// remote service and the network, so tests can answer from a loopback server or in memory.
public protocol HTTPTransport: Sendable {
    /// The response to `request`, within `timeout` seconds in total.
    ///
    /// - Throws: `HTTPTransportError` when no response arrived in time or the connection failed;
    ///   `CancellationError` when the calling task is cancelled (the transfer is stopped).
    func send(_ request: URLRequest, timeout: Double) async throws -> (Data, HTTPURLResponse)
}

/// Why an HTTP request produced no response.
public enum HTTPTransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No complete response within this many seconds.
    case timedOut(Double)
    /// The connection could not be made or broke: `connection refused`, `unknown host`, `connection lost`, ...
    case unreachable(String)

    public var description: String {
        switch self {
        case .timedOut(let seconds): "no complete response within \(String(format: "%g", seconds)) s"
        case .unreachable(let detail): detail
        }
    }
}

/// `HTTPTransport` over AsyncHTTPClient (SwiftNIO), with a total deadline per request.
///
/// The wait for a response is an event-loop wait: a request that takes a model 30 s to answer costs no CPU
/// while it is in flight. (URLSession on Linux drives libcurl from a loop that spun through `poll`, `futex` and
/// `epoll_wait` for the whole wait: 5.6 s of system CPU for an 8 s answer, taken from the cores a local model
/// needs to generate.) The deadline covers connecting, sending and the whole body, so a server trickling a byte
/// every half second cannot keep a request alive. No cookies, no cache: every request stands alone.
public struct HTTPClientTransport: HTTPTransport {
    /// The largest response body accepted, in bytes.
    public static let maxResponseBytes = 64 << 20

    private let owner: ClientOwner
    private var client: HTTPClient { owner.client }

    /// A transport with a connection pool of its own on the process-wide event loops. Its pool is not shared with
    /// other transports, so a client of one service never inherits another's stale keep-alive connections (a
    /// restarted target on the same port); the pool shuts down when the last copy of the transport goes.
    public init() {
        owner = ClientOwner()
    }

    public func send(_ request: URLRequest, timeout: Double) async throws -> (Data, HTTPURLResponse) {
        guard let url = request.url else { throw HTTPTransportError.unreachable("the request has no URL") }
        var outgoing = HTTPClientRequest(url: url.absoluteString)
        outgoing.method = HTTPMethod(rawValue: request.httpMethod ?? "GET")
        for (name, value) in request.allHTTPHeaderFields ?? [:] {
            outgoing.headers.add(name: name, value: value)
        }
        if let body = request.httpBody {
            outgoing.body = .bytes(ByteBuffer(bytes: body))
        }
        let deadline = NIODeadline.now() + .nanoseconds(Int64(max(0, timeout) * 1_000_000_000))
        let outgoingRequest = outgoing
        let client = self.client
        do {
            // AsyncHTTPClient's deadline ends the wait for the response head; the body is raced against the same
            // deadline here, so a server trickling the body cannot outlast it either.
            return try await withCancellingDeadline(seconds: timeout, timeoutError: { HTTPTransportError.timedOut(timeout) }) {
                let response = try await client.execute(outgoingRequest, deadline: deadline)
                let body = try await response.body.collect(upTo: Self.maxResponseBytes)
                var fields: [String: String] = [:]
                for header in response.headers {
                    fields[header.name] = fields[header.name].map { "\($0), \(header.value)" } ?? header.value
                }
                guard let http = HTTPURLResponse(url: url, statusCode: Int(response.status.code), httpVersion: "HTTP/1.1", headerFields: fields) else {
                    throw HTTPTransportError.unreachable("no HTTP response")
                }
                return (Data(buffer: body), http)
            }
        } catch {
            throw Self.transportError(error, timeout: timeout)
        }
    }

    /// Owns one `HTTPClient` and shuts it down when released (AsyncHTTPClient requires a shutdown).
    private final class ClientOwner: Sendable {
        let client: HTTPClient

        init() {
            var configuration = HTTPClient.Configuration()
            // A redirect would carry the Authorization header to wherever it points; API endpoints do not redirect.
            configuration.redirectConfiguration = .disallow
            // A refused connection is reported at once (callers retry with their own backoff and report), instead
            // of the pool retrying silently until the request's deadline.
            configuration.connectionPool.retryConnectionEstablishment = false
            client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        }

        deinit {
            client.shutdown { _ in }
        }
    }

    /// A cancelled transfer stays a cancellation; the rest say what failed in words, without the URL.
    static func transportError(_ error: any Error, timeout: Double) -> any Error {
        if error is HTTPTransportError || error is CancellationError { return error }
        if Task.isCancelled { return CancellationError() }
        if let error = error as? HTTPClientError {
            switch error {
            case .cancelled: return CancellationError()
            case .deadlineExceeded, .readTimeout, .writeTimeout: return HTTPTransportError.timedOut(timeout)
            case .connectTimeout: return HTTPTransportError.unreachable("connect timeout")
            case .remoteConnectionClosed: return HTTPTransportError.unreachable("connection lost")
            case .tlsHandshakeTimeout: return HTTPTransportError.unreachable("TLS handshake timed out")
            default: return HTTPTransportError.unreachable("HTTP client error \(error.shortDescription)")
            }
        }
        if error is NIOTooManyBytesError {
            return HTTPTransportError.unreachable("response body over \(maxResponseBytes >> 20) MB")
        }
        if let error = error as? NIOConnectionError {
            if error.dnsAError != nil || error.dnsAAAAError != nil, error.connectionErrors.isEmpty {
                return HTTPTransportError.unreachable("unknown host")
            }
            return HTTPTransportError.unreachable("connection refused")
        }
        if let error = error as? IOError {
            switch error.errnoCode {
            case ECONNREFUSED: return HTTPTransportError.unreachable("connection refused")
            case ECONNRESET, EPIPE: return HTTPTransportError.unreachable("connection lost")
            default: return HTTPTransportError.unreachable("network error \(error.errnoCode)")
            }
        }
        if let error = error as? ChannelError, case .connectTimeout = error {
            return HTTPTransportError.unreachable("connect timeout")
        }
        if error is HTTPParserError {
            return HTTPTransportError.unreachable("invalid HTTP response")
        }
        if error is NIOSSLError {
            return HTTPTransportError.unreachable("TLS handshake failed")
        }
        return HTTPTransportError.unreachable("network error (\(type(of: error)))")
    }
}
