import Foundation
import Logging
import SupportKit
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Embeddings from an OpenAI-compatible endpoint: `POST {OPENAI_BASE_URL}/embeddings` with
/// `{"model": M, "input": [texts], "encoding_format": "float"}` and `Authorization: Bearer $OPENAI_API_KEY`;
/// reads `data[].embedding` in `index` order.
///
/// Inputs go in batches of `batchSize`. Each attempt has a total deadline (covering the whole answer, not only
/// idle time); 429 and 5xx answers and transport failures are retried with exponential backoff, honoring
/// `Retry-After`, within an overall deadline. 401, 404 and other 4xx answers and invalid JSON fail at once with a
/// message that says what to check. The API key is never part of a message or a log line.
public struct OpenAIEmbedder: Embedder {
    public struct Configuration: Sendable {
        public var model: String
        /// Base URL as the OpenAI SDKs take it (`https://api.openai.com/v1`); a URL without a path gets `/v1`.
        public var baseURL: URL
        public var apiKey: String?
        public var dimension: Int
        /// Texts per request.
        public var batchSize = 128
        /// Deadline of one HTTP attempt, connection to last byte.
        public var requestTimeout: TimeInterval = 60
        /// Deadline of one `embed` batch, retries included.
        public var totalTimeout: TimeInterval = 300
        /// Attempts per batch, the first included.
        public var maxAttempts = 5
        public var initialBackoff: TimeInterval = 0.5
        public var maxBackoff: TimeInterval = 20

        public static let defaultBaseURL = URL(string: "https://api.openai.com/v1")!
        /// Output sizes of OpenAI's embedding models.
        public static let knownDimensions = [
            "text-embedding-3-small": 1536, "text-embedding-3-large": 3072, "text-embedding-ada-002": 1536,
        ]

        public init(model: String, baseURL: URL = defaultBaseURL, apiKey: String?, dimension: Int) {
            self.model = model
            self.baseURL = baseURL
            self.apiKey = apiKey
            self.dimension = dimension
        }

        /// From `OPENAI_API_KEY`, `OPENAI_BASE_URL` and, for models not in `knownDimensions`,
        /// `OPENAI_EMBEDDING_DIMENSIONS`.
        public init(model: String, environment: [String: String]) throws {
            guard !model.isEmpty, !model.contains(where: \.isWhitespace) else {
                throw SupportKitError(.invalidInput, "openai: needs a model name, e.g. openai:text-embedding-3-small")
            }
            var baseURL = Self.defaultBaseURL
            if let value = environment["OPENAI_BASE_URL"], !value.isEmpty {
                guard let url = URL(string: value), let scheme = url.scheme?.lowercased(),
                      scheme == "http" || scheme == "https", url.host != nil
                else {
                    throw SupportKitError(.invalidInput, "OPENAI_BASE_URL is not an http(s) URL: \(value)")
                }
                baseURL = url
            }
            let dimension: Int
            if let value = environment["OPENAI_EMBEDDING_DIMENSIONS"], !value.isEmpty {
                guard let parsed = Int(value), parsed > 0 else {
                    throw SupportKitError(.invalidInput, "OPENAI_EMBEDDING_DIMENSIONS must be a positive number, not \(value)")
                }
                dimension = parsed
            } else if let known = Self.knownDimensions[model] {
                dimension = known
            } else {
                throw SupportKitError(
                    .invalidInput,
                    "the output size of \(model) is unknown; set OPENAI_EMBEDDING_DIMENSIONS to it (known: "
                        + Self.knownDimensions.keys.sorted().joined(separator: ", ") + ")")
            }
            let key = environment["OPENAI_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
            if key == nil && baseURL.host == Self.defaultBaseURL.host {
                throw SupportKitError(.invalidInput, "OPENAI_API_KEY is not set; openai:\(model) needs an API key")
            }
            self.init(model: model, baseURL: baseURL, apiKey: key, dimension: dimension)
        }

        /// `{base}/embeddings`, adding `/v1` when the base URL has no path.
        public var endpoint: URL {
            let path = baseURL.path
            if path.isEmpty || path == "/" {
                return baseURL.appendingPathComponent("v1").appendingPathComponent("embeddings")
            }
            return baseURL.appendingPathComponent("embeddings")
        }
    }

    public let configuration: Configuration
    public let fingerprint: EmbedderFingerprint
    public var preferredBatchSize: Int { configuration.batchSize }
    public let tokenCounter: any TokenCounter = ApproximateTokenCounter()
    private let logger: Logger
    private let transport: any HTTPTransport

    public init(configuration: Configuration, logger: Logger = Logger(label: "supportkit.embedding.openai")) {
        self.configuration = configuration
        self.logger = logger
        fingerprint = EmbedderFingerprint(name: "openai:\(configuration.model)", version: "1",
                                          dimension: configuration.dimension)
        transport = HTTPClientTransport()
    }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        var vectors: [[Float]] = []
        vectors.reserveCapacity(texts.count)
        var start = 0
        while start < texts.count {
            let end = min(start + max(1, configuration.batchSize), texts.count)
            vectors.append(contentsOf: try await embedBatch(Array(texts[start..<end])))
            start = end
        }
        return vectors
    }

    // MARK: - One batch

    private var host: String {
        var host = configuration.baseURL.host ?? "?"
        if let port = configuration.baseURL.port { host += ":\(port)" }
        return host
    }

    private func fail(_ code: SupportKitError.Code, _ message: String) -> SupportKitError {
        SupportKitError(code, redact("openai:\(configuration.model) at \(host): \(message)"))
    }

    /// Removes the API key from `text`, should any server echo it.
    func redact(_ text: String) -> String {
        guard let key = configuration.apiKey, key.count >= 4 else { return text }
        return text.replacingOccurrences(of: key, with: "[redacted]")
    }

    private func embedBatch(_ texts: [String]) async throws -> [[Float]] {
        // The API rejects empty strings; a single space embeds "nothing" the way other embedders do.
        let inputs = texts.map { $0.isEmpty ? " " : $0 }
        let body = try JSONSerialization.data(withJSONObject: [
            "model": configuration.model, "input": inputs, "encoding_format": "float",
        ] as [String: Any])
        var request = URLRequest(url: configuration.endpoint)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let key = configuration.apiKey { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        request.timeoutInterval = configuration.requestTimeout

        let deadline = Date().addingTimeInterval(configuration.totalTimeout)
        var backoff = configuration.initialBackoff
        var lastProblem = ""
        for attempt in 1...max(1, configuration.maxAttempts) {
            try Task.checkCancellation()
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { break }
            var wait = backoff
            do {
                let (data, response) = try await transport.send(request, timeout: min(configuration.requestTimeout, remaining))
                switch response.statusCode {
                case 200..<300:
                    return try decode(data, count: texts.count)
                case 429, 500...599:
                    lastProblem = "HTTP \(response.statusCode)\(serverMessage(data).map { ": \($0)" } ?? "")"
                    if let retryAfter = Self.retryAfter(response.value(forHTTPHeaderField: "Retry-After")) {
                        wait = retryAfter
                    }
                case 401, 403:
                    throw fail(.unavailable, "the API key was rejected (HTTP \(response.statusCode)); check OPENAI_API_KEY")
                case 404:
                    throw fail(.unavailable, "not found (HTTP 404) at \(configuration.endpoint.path); check the model "
                               + "name and OPENAI_BASE_URL\(serverMessage(data).map { " (\($0))" } ?? "")")
                default:
                    throw fail(.unavailable, "request failed with HTTP \(response.statusCode)"
                               + (serverMessage(data).map { ": \($0)" } ?? ""))
                }
            } catch let error as SupportKitError {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch HTTPTransportError.timedOut(let seconds) {
                lastProblem = "no complete answer within \(String(format: "%g", seconds)) s"
            } catch HTTPTransportError.unreachable(let detail) {
                lastProblem = detail
            } catch {
                lastProblem = Self.describeTransport(error)
            }
            if attempt == configuration.maxAttempts { break }
            let left = deadline.timeIntervalSinceNow
            if wait >= left {
                lastProblem += "; the next retry (in \(String(format: "%g", wait)) s) would pass the deadline"
                break
            }
            logger.info("retrying embeddings request", metadata: [
                "attempt": "\(attempt)", "problem": "\(redact(lastProblem))", "wait": "\(wait)",
            ])
            try await Task.sleep(nanoseconds: UInt64(max(0, wait) * 1_000_000_000))
            backoff = min(configuration.maxBackoff, backoff * 2)
        }
        throw fail(.unavailable, "gave up after retries within \(String(format: "%g", configuration.totalTimeout)) s "
                   + "(last problem: \(lastProblem))")
    }

    private func decode(_ data: Data, count: Int) throws -> [[Float]] {
        guard let object = try? JSONSerialization.jsonObject(with: data) else {
            throw fail(.unavailable, "the answer is not valid JSON (\(data.count) bytes: \(Self.preview(data)))")
        }
        guard let root = object as? [String: Any], let items = root["data"] as? [Any] else {
            throw fail(.unavailable, "the answer has no \"data\" array")
        }
        guard items.count == count else {
            throw fail(.unavailable, "the answer has \(items.count) embeddings for \(count) inputs")
        }
        var vectors = [[Float]?](repeating: nil, count: count)
        for (position, item) in items.enumerated() {
            guard let entry = item as? [String: Any], let values = entry["embedding"] as? [Any] else {
                throw fail(.unavailable, "data[\(position)] has no \"embedding\" array")
            }
            let index = (entry["index"] as? NSNumber)?.intValue ?? position
            guard index >= 0, index < count, vectors[index] == nil else {
                throw fail(.unavailable, "data[\(position)] has a missing, duplicate or out-of-range index \(index)")
            }
            var vector = try Self.pooled(values, position: position, fail: fail)
            guard vector.count == configuration.dimension else {
                throw fail(.unavailable, "embeddings have \(vector.count) dimensions, expected \(configuration.dimension) "
                           + "(set OPENAI_EMBEDDING_DIMENSIONS to the model's output size)")
            }
            var squares: Float = 0
            for value in vector { squares += value * value }
            if squares > 0 {
                let scale = 1 / squares.squareRoot()
                for index in vector.indices { vector[index] *= scale }
            }
            vectors[index] = vector
        }
        if let usage = root["usage"] as? [String: Any], let tokens = usage["total_tokens"] {
            logger.debug("embedded batch", metadata: ["inputs": "\(count)", "tokens": "\(tokens)"])
        }
        return vectors.map { $0! }
    }

    /// One embedding from `values`: a list of numbers, or (from a llama.cpp server whose model has no pooling, such
    /// as a chat model served for embeddings) one list per token, averaged as mean pooling does.
    static func pooled(_ values: [Any], position: Int, fail: (SupportKitError.Code, String) -> SupportKitError) throws -> [Float] {
        func numbers(_ values: [Any]) throws -> [Float] {
            try values.map { value in
                guard let number = value as? NSNumber else {
                    throw fail(.unavailable, "data[\(position)].embedding holds a non-number")
                }
                return number.floatValue
            }
        }
        guard let first = values.first, first is [Any] else { return try numbers(values) }
        let tokens = try values.map { token in
            guard let token = token as? [Any] else { throw fail(.unavailable, "data[\(position)].embedding mixes numbers and lists") }
            return try numbers(token)
        }
        let width = tokens[0].count
        guard tokens.allSatisfy({ $0.count == width }) else {
            throw fail(.unavailable, "data[\(position)].embedding has token vectors of different sizes")
        }
        var sum = [Float](repeating: 0, count: width)
        for token in tokens {
            for index in 0..<width { sum[index] += token[index] }
        }
        return sum.map { $0 / Float(tokens.count) }
    }

    private func serverMessage(_ data: Data) -> String? {
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            if let error = object["error"] as? [String: Any], let message = error["message"] as? String {
                return redact(String(message.prefix(300)))
            }
            if let message = object["error"] as? String { return redact(String(message.prefix(300))) }
        }
        return data.isEmpty ? nil : redact(Self.preview(data))
    }

    static func preview(_ data: Data) -> String {
        let text = String(decoding: data.prefix(120), as: UTF8.self)
            .replacingOccurrences(of: "\n", with: " ")
        return data.count > 120 ? text + "..." : text
    }

    /// Seconds from a Retry-After header: a number of seconds or an HTTP date.
    static func retryAfter(_ value: String?) -> TimeInterval? {
        RetryAfter.seconds(value)
    }

    static func describeTransport(_ error: any Error) -> String {
        if let error = error as? URLError {
            switch error.code {
            case .cannotConnectToHost: return "connection refused"
            case .timedOut: return "timed out"
            case .cannotFindHost: return "unknown host"
            case .networkConnectionLost: return "connection lost"
            default: return "network error \(error.code.rawValue)"
            }
        }
        let ns = error as NSError
        return "network error \(ns.domain) \(ns.code)"
    }
}
