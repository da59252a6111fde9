import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SupportKit

/// Requests to an assistant target: the bearer key, the per-request deadline, retries on 429, and errors that say
/// what the target answered without ever repeating the key.
struct TargetClient: Sendable {
    let target: AssistantTarget
    let apiKey: APIKeyValue?
    let transport: any HTTPTransport
    /// Seconds one request may take in total.
    let requestTimeout: Double
    /// 429 answers retried before the request counts as failed.
    let maxRateLimitRetries: Int
    /// The longest `Retry-After` honoured; a longer one fails the request at once.
    let maxRetryWait: Double

    /// The target's answer to `method path` (any status but 429, which is waited out and retried).
    ///
    /// - Throws: `SupportKitError.unavailable` when the target cannot be reached or does not answer in time;
    ///   `SupportKitError.invalidInput` when it stays rate limited; `CancellationError`.
    func send(_ method: String, _ path: String, json: [String: Any]? = nil) async throws -> (Data, HTTPURLResponse) {
        var request = URLRequest(url: target.url(path))
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let apiKey { request.setValue("Bearer \(apiKey.value)", forHTTPHeaderField: "Authorization") }
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        var backoff = 1.0
        for attempt in 0... {
            let data: Data, response: HTTPURLResponse
            do {
                (data, response) = try await transport.send(request, timeout: requestTimeout)
            } catch let error as HTTPTransportError {
                throw SupportKitError(.unavailable, "cannot reach the target \(target) (\(method) \(path): \(error)); check that it runs and --target")
            }
            guard response.statusCode == 429 else { return (data, response) }
            let asked = RetryAfter.seconds(response.value(forHTTPHeaderField: "Retry-After"))
            if let asked, asked > maxRetryWait {
                throw SupportKitError(.invalidInput, "the target rate-limits this key (429) and asks to wait \(String(format: "%g", asked)) s, more than the \(String(format: "%g", maxRetryWait)) s a retry may wait; lower --concurrency or raise the server's --rate")
            }
            guard attempt < maxRateLimitRetries else {
                throw SupportKitError(.invalidInput, "the target still rate-limits this key (429) after \(maxRateLimitRetries) retries; lower --concurrency or raise the server's --rate")
            }
            let wait = asked ?? backoff
            backoff = min(maxRetryWait, backoff * 2)
            try await Task.sleep(for: .milliseconds(Int64(wait * 1000)))
        }
        preconditionFailure("the retry loop only ends by returning or throwing")
    }

    /// The error for a non-2xx answer to `what`: the status, the server's own message, and what to do.
    func failure(_ response: HTTPURLResponse, _ data: Data, doing what: String) -> SupportKitError {
        let status = response.statusCode
        let detail = serverMessage(data).map { ": \($0)" } ?? ""
        switch status {
        case 401:
            let remedy = apiKey == nil ? "set SUPPORTKIT_API_KEY to a key of the server" : "check SUPPORTKIT_API_KEY against the server's keys"
            return SupportKitError(.invalidInput, "the target \(target) refused the API key while \(what) (401\(detail)); \(remedy)")
        case 502, 503:
            return SupportKitError(.unavailable, "the target \(target) is unavailable while \(what) (\(status)\(detail)); retry with --resume once it is back")
        default:
            return SupportKitError(.invalidInput, "the target \(target) answered \(status) while \(what)\(detail)")
        }
    }

    /// `error.code` and `error.message` of the usual error body, else the start of the body; never the key.
    func serverMessage(_ data: Data) -> String? {
        var text: String?
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            if let error = object["error"] as? [String: Any] {
                let code = error["code"] as? String
                let message = error["message"] as? String
                text = [code, message].compactMap { $0 }.joined(separator: ": ")
            } else if let message = object["error"] as? String {
                text = message
            }
        }
        if text == nil, !data.isEmpty {
            text = String(decoding: data.prefix(200), as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
        }
        guard let text, !text.isEmpty else { return nil }
        return redact(String(text.prefix(300)))
    }

    /// `text` with the key replaced, should a server echo it.
    func redact(_ text: String) -> String {
        guard let apiKey, !apiKey.value.isEmpty else { return text }
        return text.replacingOccurrences(of: apiKey.value, with: "[redacted]")
    }
}

/// An API key held in memory only: it prints as `[redacted]`, so interpolating a configuration never leaks it.
public struct APIKeyValue: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The key itself; sent only in the `Authorization` header.
    public let value: String

    /// Wraps `value`.
    public init(_ value: String) { self.value = value }

    public var description: String { "[redacted]" }
    public var debugDescription: String { "[redacted]" }
}
