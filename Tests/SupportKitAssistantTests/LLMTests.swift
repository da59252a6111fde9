import Foundation
import SupportKit
import SupportKitTesting
import Testing
@testable import SupportKitAssistant

/// The LLM classifier and responder against a loopback server speaking the chat-completions format.
@Suite(.serialized) struct LLMTests {
    static let secret = "sk-test-SECRET-0123456789"

    /// A small trained local classifier to fall back on.
    func localClassifier() async throws -> LocalIntentClassifier {
        let examples = try TrainingExamples.parseYAML(ClassifierTests.customYAML, path: "custom.yaml")
        var configuration = AssistantConfiguration.Classifier()
        configuration.folds = 2
        return try await ClassifierTrainer(embedder: AssistantFixtures.embedder, configuration: configuration).train(examples)
    }

    func classifier(_ server: ChatCompletionsStubServer, timeout: Double = 5, cache: LLMResponseCache? = nil) async throws -> LLMIntentClassifier {
        let client = ChatCompletionsClient(baseURL: server.baseURL, apiKey: Self.secret, timeout: timeout, cache: cache)
        return LLMIntentClassifier(client: client, model: "stub-model", fallback: try await localClassifier())
    }

    let message = "where is my package"
    var vector: [Float] { AssistantFixtures.embedder.vector(for: message) }

    @Test func goodAnswerIsUsed() async throws {
        let server = try ChatCompletionsStubServer(.content(#"{"intent": "track_package", "confidence": 0.83, "category": "orders", "category_confidence": 0.7}"#))
        defer { server.stop() }
        let result = try await classifier(server).classify(message, embedding: vector)
        #expect(result == Classification(intent: "track_package", confidence: 0.83, category: "orders", categoryConfidence: 0.7, classifier: "llm:stub-model"))
        let request = try #require(server.requests.first)
        #expect(request.path == "/v1/chat/completions")
        #expect(request.headers["authorization"] == "Bearer \(Self.secret)")
        #expect(request.body.contains("\"model\":\"stub-model\""))
        #expect(request.body.contains("track_package"))
        #expect(!request.body.contains(Self.secret))
    }

    @Test func fencedJSONIsAccepted() async throws {
        let server = try ChatCompletionsStubServer(.content("```json\n{\"intent\": \"greeting\", \"confidence\": 0.9, \"category\": null}\n```"))
        defer { server.stop() }
        let result = try await classifier(server).classify("hello", embedding: AssistantFixtures.embedder.vector(for: "hello"))
        #expect(result.intent == "greeting")
        #expect(result.category == nil)
        #expect(result.classifier == "llm:stub-model")
    }

    @Test func malformedAnswersFallBackToTheLocalClassifier() async throws {
        let server = try ChatCompletionsStubServer(.content("I think it's about a package."))
        defer { server.stop() }
        let llm = try await classifier(server)
        let notJSON = try await llm.classify(message, embedding: vector)
        #expect(notJSON.intent == "track_package")
        #expect(notJSON.classifier == "llm:stub-model (fallback: \(llm.fallback.fingerprint); malformed)")

        server.setBehavior(.content(#"{"intent": "launch_rocket", "confidence": 0.99, "category": "orders"}"#))
        let unknownLabel = try await llm.classify(message, embedding: vector)
        #expect(unknownLabel.classifier.hasSuffix("; malformed)"))
        #expect(unknownLabel.intent == "track_package")

        server.setBehavior(.content(#"{"intent": "track_package", "confidence": "high", "category": "orders"}"#))
        #expect(try await llm.classify(message, embedding: vector).classifier.hasSuffix("; malformed)"))

        server.setBehavior(.rawBody(#"{"choices": []}"#))
        #expect(try await llm.classify(message, embedding: vector).classifier.hasSuffix("; malformed)"))
    }

    @Test func slowServiceHitsTheTotalDeadline() async throws {
        let server = try ChatCompletionsStubServer(.slow(seconds: 3, content: #"{"intent": "greeting", "confidence": 0.9}"#))
        defer { server.stop() }
        let llm = try await classifier(server, timeout: 0.5)
        let start = ContinuousClock.now
        let result = try await llm.classify(message, embedding: vector)
        let elapsed = start.duration(to: .now)
        #expect(result.classifier.hasSuffix("; timeout)"))
        #expect(result.intent == "track_package")
        #expect(elapsed < .seconds(2.5))
    }

    @Test func unauthorizedFallsBackWithoutLeakingTheKey() async throws {
        let server = try ChatCompletionsStubServer(.status(401, "Incorrect API key provided"))
        defer { server.stop() }
        let llm = try await classifier(server)
        let result = try await llm.classify(message, embedding: vector)
        #expect(result.classifier.hasSuffix("; http 401)"))
        #expect(!result.classifier.contains(Self.secret))
        do {
            _ = try await llm.client.complete(model: "m", messages: [.init(role: "user", content: "x")])
            Issue.record("expected an error")
        } catch let error as ChatCompletionsError {
            #expect(error == .http(status: 401, message: "Incorrect API key provided"))
            #expect(error.description.contains("OPENAI_API_KEY"))
            #expect(!error.description.contains(Self.secret))
        }
    }

    @Test func responsesAreCachedByRequestNotByKey() async throws {
        let server = try ChatCompletionsStubServer(.content(#"{"intent": "greeting", "confidence": 0.6, "category": null}"#))
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let cachePath = directory.path + "/llm-cache.sqlite"
        let llm = try await classifier(server, cache: try LLMResponseCache(path: cachePath))
        _ = try await llm.classify("hi", embedding: AssistantFixtures.embedder.vector(for: "hi"))
        server.setBehavior(.status(500, "down"))
        let cached = try await llm.classify("hi", embedding: AssistantFixtures.embedder.vector(for: "hi"))
        #expect(cached.intent == "greeting")
        #expect(cached.classifier == "llm:stub-model")
        #expect(server.requests.count == 1)
        #expect(try await LLMResponseCache(path: cachePath).count() == 1)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: cachePath))
        #expect(bytes.range(of: Data(Self.secret.utf8)) == nil)
    }

    @Test func llmResponderCitesTheArticlesItUsedAndFallsBack() async throws {
        let server = try ChatCompletionsStubServer(.content("Card refunds take 5 to 10 business days [1]."))
        defer { server.stop() }
        let client = ChatCompletionsClient(baseURL: server.baseURL, apiKey: Self.secret, timeout: 5)
        let responder = LLMResponder(client: client, model: "stub-model")
        let hits = AssistantFixtures.chunks.filter { $0.category == "billing" }.map { KnowledgeBase.Hit(chunk: $0, score: 1, similarity: 0.5) }
        let context = ResponseContext(
            customerId: "c", message: "how long do refunds take",
            classification: Classification(intent: "question", confidence: 0.9, category: "billing", categoryConfidence: 0.9, classifier: "t"),
            hits: hits, recall: .init(profile: ["plan": "premium"]), decision: .init(reasons: [], priority: .low), ticket: nil)
        let response = try await responder.respond(context)
        #expect(response.text == "Card refunds take 5 to 10 business days [1].")
        #expect(response.sources.map(\.docId) == ["billing/duplicate-charges"])
        #expect(response.responder == "llm:stub-model")
        let body = try #require(server.requests.first?.body)
        #expect(body.contains("Answer ONLY from the numbered articles"))
        #expect(body.contains("profile: plan=premium"))

        server.setBehavior(.status(503, "overloaded"))
        let fallback = try await responder.respond(context)
        #expect(fallback.responder == "llm:stub-model (fallback: extractive; http 503)")
        #expect(!fallback.sources.isEmpty)
    }

    @Test func missingKeyFallsBackWithoutCallingTheService() async throws {
        let server = try ChatCompletionsStubServer(.content("{}"))
        defer { server.stop() }
        let client = ChatCompletionsClient(baseURL: server.baseURL, apiKey: nil, timeout: 5)
        let llm = LLMIntentClassifier(client: client, model: "stub-model", fallback: try await localClassifier())
        let result = try await llm.classify(message, embedding: vector)
        #expect(result.classifier.hasSuffix("; no api key)"))
        #expect(server.requests.isEmpty)
    }
}
