import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

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

/// `HTTPTransport` over URLSession, with a total deadline per request.
///
/// URLSession's `timeoutInterval` on Linux is an idle timeout (a server trickling a byte every half second keeps
/// a request alive forever), so the transfer races a timer and is cancelled when the timer wins. No cookies, no
/// cache: every request stands alone.
public struct URLSessionTransport: HTTPTransport {
    private let session: URLSession

    /// A transport with its own ephemeral session.
    public init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.urlCache = nil
        session = URLSession(configuration: configuration)
    }

    public func send(_ request: URLRequest, timeout: Double) async throws -> (Data, HTTPURLResponse) {
        var timed = request
        timed.timeoutInterval = timeout
        let request = timed
        let transfer = TransferHandle()
        let session = self.session
        return try await withThrowingTaskGroup(of: (Data, HTTPURLResponse)?.self) { group in
            group.addTask {
                try await withTaskCancellationHandler {
                    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<(Data, HTTPURLResponse)?, any Error>) in
                        let task = session.dataTask(with: request) { data, response, error in
                            if let error {
                                continuation.resume(throwing: Self.transportError(error, timeout: timeout))
                            } else if let response = response as? HTTPURLResponse {
                                continuation.resume(returning: (data ?? Data(), response))
                            } else {
                                continuation.resume(throwing: HTTPTransportError.unreachable("no HTTP response"))
                            }
                        }
                        transfer.start(task)
                    }
                } onCancel: {
                    transfer.cancel()
                }
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int64(max(0, timeout) * 1000)))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let result = first else {
                transfer.cancel()
                throw HTTPTransportError.timedOut(timeout)
            }
            return result
        }
    }

    /// A cancelled transfer stays a cancellation; the rest say what failed in words, without the URL.
    static func transportError(_ error: any Error, timeout: Double) -> any Error {
        guard let error = error as? URLError else { return HTTPTransportError.unreachable("network error \((error as NSError).code)") }
        switch error.code {
        case .cancelled: return CancellationError()
        case .timedOut: return HTTPTransportError.timedOut(timeout)
        case .cannotConnectToHost: return HTTPTransportError.unreachable("connection refused")
        case .cannotFindHost, .dnsLookupFailed: return HTTPTransportError.unreachable("unknown host")
        case .networkConnectionLost: return HTTPTransportError.unreachable("connection lost")
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate:
            return HTTPTransportError.unreachable("TLS handshake failed (\(error.code.rawValue))")
        default: return HTTPTransportError.unreachable("network error \(error.code.rawValue)")
        }
    }
}

/// The URLSession task of one transfer, so that a deadline or a cancellation that comes first can stop it.
private final class TransferHandle: Sendable {
    private struct State {
        var task: URLSessionDataTask?
        var cancelled = false
    }

    // URLSessionDataTask is not Sendable on Linux; it is only touched under this lock.
    private let state = Mutex(State())

    /// Starts `task`, or cancels it at once when the transfer was already cancelled.
    func start(_ task: URLSessionDataTask) {
        let cancelled = state.withLock { state in
            state.task = task
            return state.cancelled
        }
        task.resume()
        if cancelled { task.cancel() }
    }

    func cancel() {
        let task = state.withLock { state in
            state.cancelled = true
            return state.task
        }
        task?.cancel()
    }
}
