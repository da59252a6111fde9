import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
import SupportKit

/// Why a chat-completions request produced no usable text.
public enum ChatCompletionsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No response within the total deadline, in seconds.
    case timeout(Double)
    /// The service answered with a non-2xx status.
    case http(status: Int, message: String)
    /// The body was not the chat-completions shape.
    case malformedResponse(String)
    /// The request could not be sent or the connection failed.
    case unreachable(String)
    /// `OPENAI_API_KEY` is not set.
    case missingAPIKey

    /// A short reason for `Reply.classifier` and logs: `timeout`, `http 401`, `malformed`, ...
    public var shortReason: String {
        switch self {
        case .timeout: "timeout"
        case .http(let status, _): "http \(status)"
        case .malformedResponse: "malformed"
        case .unreachable: "unreachable"
        case .missingAPIKey: "no api key"
        }
    }

    public var description: String {
        switch self {
        case .timeout(let seconds): "the model service did not answer within \(seconds) s; raise assistant.llm.timeout_seconds or check the service"
        case .http(401, _), .http(403, _): "the model service refused the API key (HTTP 401/403); check OPENAI_API_KEY"
        case .http(let status, let message): "the model service answered HTTP \(status): \(message)"
        case .malformedResponse(let detail): "the model service's response is not a chat completion: \(detail)"
        case .unreachable(let detail): "cannot reach the model service (\(detail)); check OPENAI_BASE_URL"
        case .missingAPIKey: "OPENAI_API_KEY is not set; export it or use the local classifier and extractive responder"
        }
    }
}

/// A minimal OpenAI-compatible `/chat/completions` client with a total deadline and a response cache.
///
/// URLSession's `timeoutInterval` on Linux is an idle timeout (a server trickling bytes never times out),
/// so each request races a deadline of its own and is cancelled when the deadline wins. Responses are cached
/// by a hash of the request body and the base URL, never of the key, so repeated evaluation runs cost nothing.
public struct ChatCompletionsClient: Sendable {
    /// One chat message.
    public struct Message: Sendable, Hashable, Codable {
        public var role: String
        public var content: String

        /// A message with `role` (`system`, `user`, `assistant`) and `content`.
        public init(role: String, content: String) {
            self.role = role
            self.content = content
        }
    }

    /// The API root, e.g. `https://api.openai.com/v1`.
    public let baseURL: URL
    private let apiKey: String?
    /// Total seconds per request.
    public let timeout: Double
    public let cache: LLMResponseCache?
    private let session: URLSession

    /// A client for `baseURL` authenticating with `apiKey`.
    public init(baseURL: URL, apiKey: String?, timeout: Double = 20, cache: LLMResponseCache? = nil) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.timeout = timeout
        self.cache = cache
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        self.session = URLSession(configuration: configuration)
    }

    /// A client from `OPENAI_BASE_URL` (or `configuration.baseURL`) and `OPENAI_API_KEY`.
    /// - Throws: `SupportKitError.invalidInput` when the base URL is not a URL.
    public static func fromEnvironment(_ configuration: AssistantConfiguration.LLM, environment: [String: String] = ProcessInfo.processInfo.environment, cache: LLMResponseCache? = nil) throws -> ChatCompletionsClient {
        let base = configuration.baseURL ?? environment["OPENAI_BASE_URL"] ?? "https://api.openai.com/v1"
        guard let url = URL(string: base), url.scheme == "http" || url.scheme == "https" else {
            throw SupportKitError(.invalidInput, "OPENAI_BASE_URL / assistant.llm.base_url \"\(base)\" is not an http(s) URL")
        }
        return ChatCompletionsClient(baseURL: url, apiKey: environment["OPENAI_API_KEY"], timeout: configuration.timeoutSeconds, cache: cache)
    }

    /// The assistant message's text for `messages` sent to `model`.
    /// - Parameter jsonObject: asks the service for a JSON object (`response_format`).
    /// - Throws: `ChatCompletionsError`.
    public func complete(model: String, messages: [Message], temperature: Double = 0, jsonObject: Bool = false) async throws -> String {
        var body: [String: Any] = [
            "model": model,
            "messages": messages.map { ["role": $0.role, "content": $0.content] },
            "temperature": temperature,
        ]
        if jsonObject { body["response_format"] = ["type": "json_object"] }
        let data: Data
        do {
            // Sorted keys make the body, and so the cache key, the same for the same request.
            data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        } catch {
            throw ChatCompletionsError.unreachable("cannot encode the request")
        }
        let cacheKey = ContentHasher.hash(baseURL.absoluteString + "\n" + String(decoding: data, as: UTF8.self))
        if let cache, let cached = try? await cache.response(for: cacheKey) { return cached }
        guard let apiKey, !apiKey.isEmpty else { throw ChatCompletionsError.missingAPIKey }

        var request = URLRequest(url: baseURL.appendingPathComponent("chat/completions"))
        request.httpMethod = "POST"
        request.httpBody = data
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization")
        request.timeoutInterval = timeout
        let (responseData, response) = try await send(request)
        guard (200..<300).contains(response.statusCode) else {
            throw ChatCompletionsError.http(status: response.statusCode, message: Self.errorMessage(responseData))
        }
        let content = try Self.content(of: responseData)
        try? await cache?.store(content, for: cacheKey, model: model)
        return content
    }

    /// The first choice's message content.
    static func content(of data: Data) throws -> String {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ChatCompletionsError.malformedResponse("the body is not a JSON object")
        }
        guard let choices = object["choices"] as? [[String: Any]], let first = choices.first,
              let message = first["message"] as? [String: Any], let content = message["content"] as? String
        else {
            throw ChatCompletionsError.malformedResponse("no choices[0].message.content")
        }
        return content
    }

    /// The service's own error message, shortened; it never contains our key (we never send it in a body).
    static func errorMessage(_ data: Data) -> String {
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let error = object["error"] as? [String: Any], let message = error["message"] as? String {
            return String(message.prefix(200))
        }
        return String(String(decoding: data.prefix(200), as: UTF8.self))
    }

    /// Sends `request`, resolving with the first of: the response, the deadline, or task cancellation.
    private func send(_ request: URLRequest) async throws -> (Data, HTTPURLResponse) {
        let gate = ResumeGate()
        let deadline = timeout
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<(Data, HTTPURLResponse), any Error>) in
                gate.install(continuation)
                let task = session.dataTask(with: request) { data, response, error in
                    if let error {
                        let nsError = error as NSError
                        gate.finish(.failure(nsError.code == NSURLErrorTimedOut
                            ? ChatCompletionsError.timeout(deadline)
                            : ChatCompletionsError.unreachable("\(nsError.domain) \(nsError.code)")))
                    } else if let response = response as? HTTPURLResponse {
                        gate.finish(.success((data ?? Data(), response)))
                    } else {
                        gate.finish(.failure(ChatCompletionsError.malformedResponse("no HTTP response")))
                    }
                }
                gate.attach(task)
                task.resume()
                let timer = Task {
                    try? await Task.sleep(for: .seconds(deadline))
                    if !Task.isCancelled { gate.finish(.failure(ChatCompletionsError.timeout(deadline))) }
                }
                gate.attach(timer)
            }
        } onCancel: {
            gate.finish(.failure(CancellationError()))
        }
    }
}

/// Resumes a continuation exactly once and then stops whatever else could have resumed it.
private final class ResumeGate: Sendable {
    private struct State {
        var continuation: CheckedContinuation<(Data, HTTPURLResponse), any Error>?
        var pending: Result<(Data, HTTPURLResponse), any Error>?
        var finished = false
        var task: URLSessionDataTask?
        var timer: Task<Void, Never>?
    }

    // URLSessionDataTask is not Sendable on Linux; it is only touched under this lock.
    private let state = Mutex<State>(State())

    func install(_ continuation: CheckedContinuation<(Data, HTTPURLResponse), any Error>) {
        let pending: Result<(Data, HTTPURLResponse), any Error>? = state.withLock { state in
            if let pending = state.pending { state.pending = nil; return pending }
            state.continuation = continuation
            return nil
        }
        if let pending { continuation.resume(with: pending) }
    }

    func attach(_ task: URLSessionDataTask) {
        let cancel = state.withLock { state in
            state.task = task
            return state.finished
        }
        if cancel { task.cancel() }
    }

    func attach(_ timer: Task<Void, Never>) {
        let cancel = state.withLock { state in
            state.timer = timer
            return state.finished
        }
        if cancel { timer.cancel() }
    }

    func finish(_ result: Result<(Data, HTTPURLResponse), any Error>) {
        let (continuation, task, timer) = state.withLock { state -> (CheckedContinuation<(Data, HTTPURLResponse), any Error>?, URLSessionDataTask?, Task<Void, Never>?) in
            guard !state.finished else { return (nil, nil, nil) }
            state.finished = true
            let continuation = state.continuation
            state.continuation = nil
            if continuation == nil { state.pending = result }
            return (continuation, state.task, state.timer)
        }
        continuation?.resume(with: result)
        task?.cancel()
        timer?.cancel()
    }
}
