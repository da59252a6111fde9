import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SupportKit

/// Why a chat-completions request produced no usable text.
public enum ChatCompletionsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No response within the total deadline, in seconds.
    case timeout(Double)
    /// The service answered with a non-2xx status.
    case http(status: Int, message: String)
    /// The body was not the chat-completions shape.
    case malformedResponse(String)
    /// A chat completion whose content is not the answer asked for (no JSON object, labels that are not configured).
    case unusableAnswer(String)
    /// The request could not be sent or the connection failed.
    case unreachable(String)
    /// `OPENAI_API_KEY` is not set.
    case missingAPIKey

    /// A short reason for `Reply.classifier` and logs: `timeout`, `http 401`, `malformed`, ...
    public var shortReason: String {
        switch self {
        case .timeout: "timeout"
        case .http(let status, _): "http \(status)"
        case .malformedResponse, .unusableAnswer: "malformed"
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
        case .unusableAnswer(let detail): "the model's answer is not usable: \(detail)"
        case .unreachable(let detail): "cannot reach the model service (\(detail)); check OPENAI_BASE_URL"
        case .missingAPIKey: "OPENAI_API_KEY is not set; export it or use the local classifier and extractive responder"
        }
    }
}

/// A minimal OpenAI-compatible `/chat/completions` client with a total deadline, a response cache and a limit on
/// the requests in flight per endpoint.
///
/// Every request has a total deadline that covers waiting for a free slot, sending and the whole answer, so a busy
/// or trickling service leaves the caller's fallback in place instead of hanging the turn. Responses are cached by
/// a hash of the request body and the base URL, never of the key, so repeated evaluation runs cost nothing.
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

    /// How the model should generate one answer.
    public struct Options: Sendable, Hashable {
        /// Sampling temperature.
        public var temperature: Double
        /// The most tokens the answer may have (`max_tokens`); nil lets the service decide.
        public var maxTokens: Int?
        /// Strings that end the answer (`stop`).
        public var stop: [String]
        /// Penalty on tokens by how often they already appeared (`frequency_penalty`), against answers that loop.
        public var frequencyPenalty: Double?
        /// The JSON the answer must be, or nil for free text.
        public var json: JSONAnswer?

        /// - Parameters:
        ///   - temperature: sampling temperature (0).
        ///   - maxTokens: token cap on the answer.
        ///   - stop: stop sequences.
        ///   - frequencyPenalty: repetition penalty.
        ///   - json: the JSON answer asked for.
        public init(temperature: Double = 0, maxTokens: Int? = nil, stop: [String] = [], frequencyPenalty: Double? = nil, json: JSONAnswer? = nil) {
            self.temperature = temperature
            self.maxTokens = maxTokens
            self.stop = stop
            self.frequencyPenalty = frequencyPenalty
            self.json = json
        }
    }

    /// An answer that must be one JSON object, optionally of a JSON Schema.
    public struct JSONAnswer: Sendable, Hashable {
        /// A name for the schema (OpenAI's `json_schema.name`).
        public var name: String
        /// The JSON Schema, as JSON text; nil asks for any JSON object.
        public var schema: String?

        /// - Parameters:
        ///   - name: the schema's name.
        ///   - schema: the JSON Schema text, or nil.
        public init(name: String, schema: String? = nil) {
            self.name = name
            self.schema = schema
        }
    }

    /// The API root, e.g. `https://api.openai.com/v1`.
    public let baseURL: URL
    private let apiKey: String?
    /// Total seconds per request, including the wait for a free slot.
    public let timeout: Double
    public let cache: LLMResponseCache?
    /// How a JSON answer is asked for (`llm.structured_output`).
    public let structuredOutput: AssistantConfiguration.LLM.StructuredOutput
    /// The `seed` sent with every request (`llm.seed`); nil sends none.
    public var seed: Int?
    private let transport: any HTTPTransport
    private let slots: RequestSlots

    /// A client for `baseURL` authenticating with `apiKey`.
    ///
    /// - Parameters:
    ///   - baseURL: the API root.
    ///   - apiKey: the bearer token; nil or empty fails every uncached request with `missingAPIKey`.
    ///   - timeout: total seconds per request.
    ///   - cache: the response cache.
    ///   - structuredOutput: how JSON answers are asked for.
    ///   - maxConcurrentRequests: requests in flight to this base URL at most, shared by every client of the same
    ///     base URL in the process; nil for the default (1 for a loopback service, 8 otherwise).
    ///   - transport: the HTTP transport.
    public init(baseURL: URL, apiKey: String?, timeout: Double = 20, cache: LLMResponseCache? = nil,
                structuredOutput: AssistantConfiguration.LLM.StructuredOutput = .jsonObject,
                maxConcurrentRequests: Int? = nil, transport: any HTTPTransport = HTTPClientTransport()) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.timeout = timeout
        self.cache = cache
        self.structuredOutput = structuredOutput
        self.transport = transport
        self.slots = RequestSlots.shared(for: baseURL, limit: maxConcurrentRequests ?? Self.defaultConcurrency(for: baseURL))
    }

    /// One request at a time to a service on this machine (a local model server generates one answer at a time and
    /// is only slowed down by more), eight to a remote one.
    public static func defaultConcurrency(for baseURL: URL) -> Int {
        let host = baseURL.host ?? ""
        return ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host) || host.hasPrefix("127.") ? 1 : 8
    }

    /// A client from `OPENAI_BASE_URL` (or `configuration.baseURL`) and `OPENAI_API_KEY`.
    /// - Throws: `SupportKitError.invalidInput` when the base URL is not a URL.
    public static func fromEnvironment(_ configuration: AssistantConfiguration.LLM, environment: [String: String], cache: LLMResponseCache? = nil) throws -> ChatCompletionsClient {
        let base = configuration.baseURL ?? environment["OPENAI_BASE_URL"] ?? "https://api.openai.com/v1"
        guard let url = URL(string: base), url.scheme == "http" || url.scheme == "https" else {
            throw SupportKitError(.invalidInput, "OPENAI_BASE_URL / assistant.llm.base_url \"\(base)\" is not an http(s) URL")
        }
        var client = ChatCompletionsClient(
            baseURL: url, apiKey: environment["OPENAI_API_KEY"], timeout: configuration.timeoutSeconds, cache: cache,
            structuredOutput: configuration.structuredOutput, maxConcurrentRequests: configuration.maxConcurrentRequests)
        client.seed = configuration.seed
        return client
    }

    /// The assistant message's text for `messages` sent to `model`.
    /// - Throws: `ChatCompletionsError`; `CancellationError` when the calling task is cancelled.
    public func complete(model: String, messages: [Message], options: Options = Options()) async throws -> String {
        let data: Data
        do {
            // Sorted keys make the body, and so the cache key, the same for the same request.
            data = try JSONSerialization.data(withJSONObject: body(model: model, messages: messages, options: options), options: [.sortedKeys])
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
        let clock = ContinuousClock()
        let start = clock.now
        guard try await slots.acquire(within: timeout) else { throw ChatCompletionsError.timeout(timeout) }
        let responseData: Data
        let response: HTTPURLResponse
        do {
            defer { slots.release() }
            let remaining = timeout - start.duration(to: clock.now).seconds
            (responseData, response) = try await transport.send(request, timeout: max(0.001, remaining))
        } catch HTTPTransportError.timedOut {
            throw ChatCompletionsError.timeout(timeout)
        } catch HTTPTransportError.unreachable(let detail) {
            throw ChatCompletionsError.unreachable(detail)
        }
        guard (200..<300).contains(response.statusCode) else {
            throw ChatCompletionsError.http(status: response.statusCode, message: Self.errorMessage(responseData))
        }
        let content = try Self.content(of: responseData)
        try? await cache?.store(content, for: cacheKey, model: model)
        return content
    }

    /// The request body: the messages, the generation options and, for a JSON answer, `response_format` in the
    /// configured dialect.
    func body(model: String, messages: [Message], options: Options) -> [String: Any] {
        var body: [String: Any] = [
            "model": model,
            "messages": messages.map { ["role": $0.role, "content": $0.content] },
            "temperature": options.temperature,
        ]
        if let maxTokens = options.maxTokens { body["max_tokens"] = maxTokens }
        if !options.stop.isEmpty { body["stop"] = options.stop }
        if let penalty = options.frequencyPenalty, penalty != 0 { body["frequency_penalty"] = penalty }
        if let seed { body["seed"] = seed }
        if let json = options.json {
            let schema = json.schema.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) }
            switch (structuredOutput, schema) {
            case (.jsonSchema, let schema?):
                body["response_format"] = ["type": "json_schema", "json_schema": ["name": json.name, "strict": true, "schema": schema]]
            case (.grammar, let schema?):
                body["response_format"] = ["type": "json_object", "schema": schema]
            case (.none, _):
                break
            default:
                body["response_format"] = ["type": "json_object"]
            }
        }
        return body
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
}
