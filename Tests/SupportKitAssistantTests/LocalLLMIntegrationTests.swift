import Foundation
import SupportKit
import SupportKitEmbedding
import Testing
@testable import SupportKitAssistant

/// The LLM path against a real model server, when one is named:
///
///     export SUPPORTKIT_LLM_BASE_URL="$(bash scripts/local-llm.sh start)"
///     swift test --filter LocalLLMIntegrationTests
///
/// Without `SUPPORTKIT_LLM_BASE_URL` these tests are reported as skipped, by name; plain `swift test` and CI stay
/// offline. Models: `SUPPORTKIT_LLM_MODEL` (default `smollm2`), `SUPPORTKIT_LLM_EMBED_MODEL` (`smollm2-embed`) with
/// `SUPPORTKIT_LLM_EMBED_DIM` (576), as `scripts/local-llm.sh` serves them.
@Suite(.serialized, .enabled(if: LocalLLM.baseURL != nil, "set SUPPORTKIT_LLM_BASE_URL to a running model server (scripts/local-llm.sh start)"))
struct LocalLLMIntegrationTests {
    static let baseURL = LocalLLM.baseURL
    static let model = LocalLLM.environment["SUPPORTKIT_LLM_MODEL"] ?? "smollm2"
    static let embedModel = LocalLLM.environment["SUPPORTKIT_LLM_EMBED_MODEL"] ?? "smollm2-embed"
    static let embedDimension = LocalLLM.environment["SUPPORTKIT_LLM_EMBED_DIM"].flatMap(Int.init) ?? 576

    /// A client with a deadline a 135M model on two cores meets, asking for JSON through a grammar.
    func client(_ dialect: AssistantConfiguration.LLM.StructuredOutput = .grammar) throws -> ChatCompletionsClient {
        ChatCompletionsClient(baseURL: try #require(Self.baseURL), apiKey: "local", timeout: 120, structuredOutput: dialect)
    }

    func classifier(_ dialect: AssistantConfiguration.LLM.StructuredOutput) async throws -> LLMIntentClassifier {
        let examples = try TrainingExamples.parseYAML(ClassifierTests.customYAML, path: "custom.yaml")
        var configuration = AssistantConfiguration.Classifier()
        configuration.folds = 2
        let local = try await ClassifierTrainer(embedder: AssistantFixtures.embedder, configuration: configuration).train(examples)
        return LLMIntentClassifier(client: try client(dialect), model: Self.model, fallback: local)
    }

    @Test func theClassifierGetsConfiguredLabelsThroughAGrammar() async throws {
        let llm = try await classifier(.grammar)
        for message in ["where is my package", "I was charged twice for my order"] {
            let result = try await llm.classify(message, embedding: AssistantFixtures.embedder.vector(for: message))
            // The grammar leaves the model no way to write anything but a configured label.
            #expect(result.classifier == "llm:\(Self.model)", "\(message): \(result.classifier)")
            #expect(llm.intentLabels.contains(result.intent))
            #expect((0...1).contains(result.confidence))
        }
    }

    @Test func theResponderAnswersWithinItsCapAndCitesAGivenArticle() async throws {
        var settings = AssistantConfiguration.LLM()
        settings.contextTokens = 2048
        settings.maxTokens = 200
        let responder = LLMResponder(client: try client(), model: Self.model, settings: settings)
        let hits = AssistantFixtures.chunks.filter { $0.category == "billing" }.map { KnowledgeBase.Hit(chunk: $0, score: 1, similarity: 0.5) }
        let response = try await responder.respond(ResponseContext(
            customerId: "c", message: "I was charged twice for my order",
            classification: Classification(intent: "problem", confidence: 0.9, category: "billing", categoryConfidence: 0.9, classifier: "t"),
            hits: hits, recall: .init(profile: [:]), decision: .init(reasons: [], priority: .low), ticket: nil))
        #expect(response.responder == "llm:\(Self.model)", "\(response.responder)")
        #expect(!response.text.isEmpty)
        // Capped at 200 tokens: far under what the cap allows in characters.
        #expect(response.text.count < 200 * 8)
        #expect(!response.sources.isEmpty && Set(response.sources.map(\.docId)).isSubset(of: Set(hits.map(\.chunk.docId))))
    }

    @Test func embeddingsComeBackPooledAndNormalized() async throws {
        var configuration = OpenAIEmbedder.Configuration(model: Self.embedModel, baseURL: try #require(Self.baseURL), apiKey: "local", dimension: Self.embedDimension)
        configuration.requestTimeout = 120
        let vectors = try await OpenAIEmbedder(configuration: configuration).embed(["I was charged twice", "where is my package"])
        #expect(vectors.count == 2 && vectors.allSatisfy { $0.count == Self.embedDimension })
        for vector in vectors {
            let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(norm - 1) < 1e-3)
        }
        #expect(vectors[0] != vectors[1])
    }
}

/// The model server named by the environment, if any.
enum LocalLLM {
    static let environment = ProcessInfo.processInfo.environment
    static let baseURL = environment["SUPPORTKIT_LLM_BASE_URL"].flatMap(URL.init(string:))
}
