import Foundation
import Logging
import SupportKit
import SupportKitTesting
import Testing
@testable import SupportKitEmbedding

/// The OpenAI-compatible embedder against a loopback server that speaks the `/v1/embeddings` wire format.
@Suite struct OpenAIEmbedderTests {
    static let key = "sk-test-SECRET-0123456789abcdef"

    /// A fake embeddings endpoint: checks the request like the real API would and answers `data[]` in reverse
    /// index order (clients must sort by `index`).
    static func embeddingsHandler(dimension: Int = 4) -> LoopbackHTTPServer.Handler {
        { request in
            guard request.method == "POST", request.path == "/v1/embeddings" else {
                return .json(404, ["error": ["message": "Unknown request URL: \(request.method) \(request.path)"]])
            }
            guard request.headers["authorization"] == "Bearer \(key)" else {
                return .json(401, ["error": ["message": "Incorrect API key provided", "type": "invalid_request_error"]])
            }
            guard request.headers["content-type"]?.hasPrefix("application/json") == true,
                  let body = request.json as? [String: Any], let model = body["model"] as? String,
                  let input = body["input"] as? [String], body["encoding_format"] as? String == "float"
            else {
                return .json(400, ["error": ["message": "bad request body"]])
            }
            guard model == "text-embedding-3-small" else {
                return .json(404, ["error": ["message": "The model `\(model)` does not exist", "code": "model_not_found"]])
            }
            let data: [[String: Any]] = input.enumerated().reversed().map { index, text in
                var vector = [Double](repeating: 0, count: dimension)
                vector[0] = Double(text.count) + 1
                vector[1] = Double(index) + 1
                return ["object": "embedding", "index": index, "embedding": vector]
            }
            return .json(200, ["object": "list", "data": data, "model": model,
                               "usage": ["prompt_tokens": input.count * 3, "total_tokens": input.count * 3]])
        }
    }

    /// An embedder whose retry log lines stay out of the test output.
    static func quiet(_ configuration: OpenAIEmbedder.Configuration) -> OpenAIEmbedder {
        var logger = Logger(label: "test.openai")
        logger.logLevel = .error
        return OpenAIEmbedder(configuration: configuration, logger: logger)
    }

    static func configuration(_ server: LoopbackHTTPServer, dimension: Int = 4) -> OpenAIEmbedder.Configuration {
        var configuration = OpenAIEmbedder.Configuration(
            model: "text-embedding-3-small", baseURL: server.baseURL.appendingPathComponent("v1"), apiKey: key,
            dimension: dimension)
        configuration.initialBackoff = 0.01
        configuration.maxBackoff = 0.05
        configuration.requestTimeout = 5
        // Generous: a 2-core machine running the whole suite has stalled this process's tasks for 20 s.
        configuration.totalTimeout = 120
        return configuration
    }

    @Test func speaksTheWireFormatAndBatches() async throws {
        let server = try LoopbackHTTPServer(lifetime: 60, handler: Self.embeddingsHandler())
        defer { server.stop() }
        var configuration = Self.configuration(server)
        configuration.batchSize = 2
        let embedder = Self.quiet(configuration)
        let texts = ["a", "bb", "", "dddd", "eeeee"]
        let vectors = try await embedder.embed(texts)
        #expect(vectors.count == 5)
        #expect(server.requests.count == 3)
        for (index, vector) in vectors.enumerated() {
            // [len+1, index-in-batch+1, 0, 0], normalized.
            let raw: [Float] = [Float(max(texts[index].count, texts[index].isEmpty ? 1 : 0)) + 1, Float(index % 2) + 1, 0, 0]
            let norm = (raw[0] * raw[0] + raw[1] * raw[1]).squareRoot()
            #expect(abs(vector[0] - raw[0] / norm) < 1e-6 && abs(vector[1] - raw[1] / norm) < 1e-6, "\(index): \(vector)")
        }
        let first = try #require(server.requests.first?.json as? [String: Any])
        #expect(first["input"] as? [String] == ["a", "bb"])
        #expect(first["model"] as? String == "text-embedding-3-small")
        // The API rejects empty strings: they go as a single space.
        #expect((server.requests[1].json as? [String: Any])?["input"] as? [String] == [" ", "dddd"])
        #expect(embedder.fingerprint.description == "openai:text-embedding-3-small@1/4")
    }

    @Test func retriesOn429HonoringRetryAfter() async throws {
        let calls = Counter()
        let inner = Self.embeddingsHandler()
        let server = try LoopbackHTTPServer(lifetime: 60) { request in
            if calls.increment() == 1 {
                return .json(429, ["error": ["message": "Rate limit reached"]], headers: ["Retry-After": "1"])
            }
            return inner(request)
        }
        defer { server.stop() }
        let embedder = Self.quiet(Self.configuration(server))
        let started = Date()
        let vectors = try await embedder.embed(["hello"])
        let elapsed = Date().timeIntervalSince(started)
        #expect(vectors.count == 1)
        #expect(server.requests.count == 2)
        #expect(elapsed >= 0.95, "waited \(elapsed) s, Retry-After said 1 s")
    }

    @Test func retries5xxWithBackoffThenSucceeds() async throws {
        let calls = Counter()
        let inner = Self.embeddingsHandler()
        let server = try LoopbackHTTPServer(lifetime: 60) { request in
            switch calls.increment() {
            case 1: return .text(503, "upstream busy")
            case 2: return .json(500, ["error": ["message": "internal"]])
            default: return inner(request)
            }
        }
        defer { server.stop() }
        let vectors = try await Self.quiet(Self.configuration(server)).embed(["x", "y"])
        #expect(vectors.count == 2)
        #expect(server.requests.count == 3)
    }

    @Test func givesUpAfterMaxAttemptsWithTheLastProblem() async throws {
        let server = try LoopbackHTTPServer(lifetime: 60) { _ in .text(502, "bad gateway") }
        defer { server.stop() }
        var configuration = Self.configuration(server)
        configuration.maxAttempts = 3
        let error = await #expect(throws: SupportKitError.self) {
            try await Self.quiet(configuration).embed(["x"])
        }
        #expect(server.requests.count == 3)
        let message = error?.description ?? ""
        #expect(message.contains("HTTP 502") && message.contains("gave up"), "\(message)")
    }

    @Test func unauthorizedFailsAtOnceWithoutLeakingTheKey() async throws {
        let server = try LoopbackHTTPServer(lifetime: 60, handler: Self.embeddingsHandler())
        defer { server.stop() }
        var configuration = Self.configuration(server)
        configuration.apiKey = "sk-wrong-key-DO-NOT-PRINT"
        let error = await #expect(throws: SupportKitError.self) {
            try await Self.quiet(configuration).embed(["x"])
        }
        let message = error?.description ?? ""
        #expect(message.contains("401") && message.contains("OPENAI_API_KEY"), "\(message)")
        #expect(!message.contains("sk-wrong-key-DO-NOT-PRINT"))
        #expect(server.requests.count == 1)
    }

    @Test func notFoundNamesModelAndBaseURL() async throws {
        let server = try LoopbackHTTPServer(lifetime: 60, handler: Self.embeddingsHandler())
        defer { server.stop() }
        var configuration = Self.configuration(server)
        configuration.model = "no-such-model"
        let error = await #expect(throws: SupportKitError.self) {
            try await Self.quiet(configuration).embed(["x"])
        }
        let message = error?.description ?? ""
        #expect(message.contains("404") && message.contains("model") && message.contains("OPENAI_BASE_URL"), "\(message)")
        #expect(server.requests.count == 1)
    }

    @Test func invalidJSONIsAClearError() async throws {
        let server = try LoopbackHTTPServer(lifetime: 60) { _ in
            LoopbackHTTPServer.Response(status: 200, headers: ["Content-Type": "application/json"],
                                        body: Data("{\"data\": [ {\"embedding\": [0.1, ".utf8))
        }
        defer { server.stop() }
        let error = await #expect(throws: SupportKitError.self) {
            try await Self.quiet(Self.configuration(server)).embed(["x"])
        }
        #expect(error?.description.contains("not valid JSON") == true, "\(error?.description ?? "")")
    }

    @Test func wrongCountOrDimensionIsAnError() async throws {
        let server = try LoopbackHTTPServer(lifetime: 60, handler: Self.embeddingsHandler(dimension: 3))
        defer { server.stop() }
        let error = await #expect(throws: SupportKitError.self) {
            try await Self.quiet(Self.configuration(server, dimension: 4)).embed(["x"])
        }
        #expect(error?.description.contains("3 dimensions, expected 4") == true, "\(error?.description ?? "")")
    }

    @Test func tokenVectorsFromALlamaCppServerAreMeanPooled() async throws {
        // llama-cpp-python serving a chat model (SmolLM2) for embeddings answers one vector per token.
        let server = try LoopbackHTTPServer(lifetime: 60) { _ in
            .json(200, ["object": "list", "data": [["object": "embedding", "index": 0, "embedding": [[1.0, 0.0, 2.0], [3.0, 0.0, 2.0]]]]])
        }
        defer { server.stop() }
        let vectors = try await Self.quiet(Self.configuration(server, dimension: 3)).embed(["hello world"])
        // Mean (2, 0, 2), normalized.
        let expected = 1 / Float(2).squareRoot()
        #expect(vectors.count == 1 && abs(vectors[0][0] - expected) < 1e-6 && vectors[0][1] == 0 && abs(vectors[0][2] - expected) < 1e-6)

        let ragged = try LoopbackHTTPServer(lifetime: 60) { _ in
            .json(200, ["object": "list", "data": [["object": "embedding", "index": 0, "embedding": [[1.0, 0.0, 2.0], [3.0]]]]])
        }
        defer { ragged.stop() }
        let error = await #expect(throws: SupportKitError.self) {
            try await Self.quiet(Self.configuration(ragged, dimension: 3)).embed(["x"])
        }
        #expect(error?.description.contains("token vectors of different sizes") == true)
    }

    @Test func serverMessagesAreRedacted() async throws {
        let server = try LoopbackHTTPServer(lifetime: 60) { request in
            .json(400, ["error": ["message": "bad input for \(request.headers["authorization"] ?? "")"]])
        }
        defer { server.stop() }
        let error = await #expect(throws: SupportKitError.self) {
            try await Self.quiet(Self.configuration(server)).embed(["x"])
        }
        let message = error?.description ?? ""
        #expect(message.contains("HTTP 400") && message.contains("[redacted]"), "\(message)")
        #expect(!message.contains(Self.key))
    }

    @Test func totalDeadlineHoldsAgainstASlowOrTricklingServer() async throws {
        let body = String(repeating: " ", count: 600) + "{}"
        let server = try LoopbackHTTPServer(lifetime: 120) { request in
            if request.headers["x-never"] != nil { return .text(200, "") }
            // A byte every 0.1 s keeps an idle timeout happy for 60 s.
            return LoopbackHTTPServer.Response(status: 200, headers: ["Content-Type": "application/json"],
                                               body: Data(body.utf8), trickle: (bytes: 1, interval: 0.1))
        }
        defer { server.stop() }
        var configuration = Self.configuration(server)
        configuration.requestTimeout = 0.6
        configuration.totalTimeout = 1.5
        configuration.maxAttempts = 10
        let started = Date()
        let error = await #expect(throws: SupportKitError.self) {
            try await Self.quiet(configuration).embed(["x"])
        }
        let elapsed = Date().timeIntervalSince(started)
        // The trickle would last 60 s; the 1.5 s total deadline must cut it before. The slack is for a machine whose
        // cores are busy with the suite's model tests (19.8 s was seen on a loaded 2-core machine).
        #expect(elapsed < 45, "took \(elapsed) s")
        #expect(error?.description.contains("no complete answer within") == true, "\(error?.description ?? "")")
    }

    @Test func connectionRefusedIsRetriedThenReported() async throws {
        let server = try LoopbackHTTPServer(lifetime: 60) { _ in .text(200, "") }
        let configurationBase = Self.configuration(server)
        server.stop()
        var configuration = configurationBase
        configuration.maxAttempts = 2
        let error = await #expect(throws: SupportKitError.self) {
            try await Self.quiet(configuration).embed(["x"])
        }
        #expect(error?.description.contains("gave up") == true, "\(error?.description ?? "")")
    }

    @Test func configurationFromTheEnvironment() throws {
        #expect(throws: SupportKitError.self) {
            try OpenAIEmbedder.Configuration(model: "text-embedding-3-small", environment: [:])
        }
        let local = try OpenAIEmbedder.Configuration(
            model: "text-embedding-3-small", environment: ["OPENAI_BASE_URL": "http://127.0.0.1:9999"])
        #expect(local.endpoint.absoluteString == "http://127.0.0.1:9999/v1/embeddings")
        #expect(local.dimension == 1536)
        let withV1 = try OpenAIEmbedder.Configuration(
            model: "nomic-embed-text",
            environment: ["OPENAI_BASE_URL": "http://127.0.0.1:9999/v1", "OPENAI_EMBEDDING_DIMENSIONS": "768",
                          "OPENAI_API_KEY": Self.key])
        #expect(withV1.endpoint.absoluteString == "http://127.0.0.1:9999/v1/embeddings")
        #expect(withV1.dimension == 768)
        do {
            _ = try OpenAIEmbedder.Configuration(model: "mystery", environment: ["OPENAI_API_KEY": Self.key])
            Issue.record("expected an error")
        } catch let error as SupportKitError {
            #expect(error.description.contains("OPENAI_EMBEDDING_DIMENSIONS"))
            #expect(!error.description.contains(Self.key))
        }
        #expect(OpenAIEmbedder.retryAfter("3") == 3)
        #expect(OpenAIEmbedder.retryAfter("soon") == nil)
    }

    @Test func factoryMakesEachKind() throws {
        let lexical = try EmbedderFactory.make(name: "lexical", environment: [:])
        #expect(lexical.fingerprint.name == "lexical")
        let openai = try EmbedderFactory.make(
            name: "openai:text-embedding-3-small",
            environment: ["OPENAI_API_KEY": Self.key, "OPENAI_BASE_URL": "http://127.0.0.1:1/v1"])
        #expect(openai.fingerprint.name == "openai:text-embedding-3-small")
        #expect(throws: SupportKitError.self) { try EmbedderFactory.make(name: "word2vec", environment: [:]) }
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}
