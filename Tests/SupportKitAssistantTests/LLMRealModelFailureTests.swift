import Foundation
import SupportKit
import SupportKitTesting
import Testing
@testable import SupportKitAssistant

/// What a real small model (SmolLM2-135M on a llama.cpp server) did to the LLM path, each failure pinned by a test
/// against the loopback stub speaking the same wire format.
@Suite(.serialized) struct LLMRealModelFailureTests {
    static let secret = "sk-test-SECRET-0123456789"

    func client(_ server: ChatCompletionsStubServer, timeout: Double = 5, structuredOutput: AssistantConfiguration.LLM.StructuredOutput = .jsonObject) -> ChatCompletionsClient {
        ChatCompletionsClient(baseURL: server.baseURL, apiKey: Self.secret, timeout: timeout, structuredOutput: structuredOutput)
    }

    func classifier(_ server: ChatCompletionsStubServer, structuredOutput: AssistantConfiguration.LLM.StructuredOutput = .jsonObject) async throws -> LLMIntentClassifier {
        let examples = try TrainingExamples.parseYAML(ClassifierTests.customYAML, path: "custom.yaml")
        var configuration = AssistantConfiguration.Classifier()
        configuration.folds = 2
        let local = try await ClassifierTrainer(embedder: AssistantFixtures.embedder, configuration: configuration).train(examples)
        return LLMIntentClassifier(client: client(server, structuredOutput: structuredOutput), model: "smol", fallback: local)
    }

    let vector = AssistantFixtures.embedder.vector(for: "where is my package")

    // MARK: - JSON answers

    @Test func proseAroundTheJSONAndLooseLabelsAreRepaired() async throws {
        let server = try ChatCompletionsStubServer(.content("Sure! Here is the classification:\n{\"intent\": \"Track Package\", \"confidence\": \"85%\", \"category\": \"ORDERS\"}\nHope this helps."))
        defer { server.stop() }
        let llm = try await classifier(server)
        let result = try await llm.classify("where is my package", embedding: vector)
        #expect(result.intent == "track_package")
        #expect(result.confidence == 0.85)
        #expect(result.category == "orders")
        #expect(result.categoryConfidence == 0.85)
        #expect(result.classifier == "llm:smol")

        // A confidence past 1 (SmolLM2 wrote 1.2 under a grammar) is clamped; none at all stands at 0.5.
        server.setBehavior(.content(#"{"intent": "track_package", "confidence": 1.2, "category": "orders", "category_confidence": -0.1}"#))
        let over = try await llm.classify("where is my package now", embedding: vector)
        #expect(over.confidence == 1 && over.categoryConfidence == 0 && over.classifier == "llm:smol")
        server.setBehavior(.content(#"{"intent": "track_package", "category": null}"#))
        let bare = try await llm.classify("where is my package again", embedding: vector)
        #expect(bare.intent == "track_package" && bare.confidence == 0.5 && bare.category == nil)
    }

    @Test func anAnswerWithoutAUsableIntentSaysWhatItHeld() async throws {
        // What SmolLM2 wrote most often without a schema: JSON about something else.
        let server = try ChatCompletionsStubServer(.content(#"{"message": "where is my package", "response": "Your package is on the way."}"#))
        defer { server.stop() }
        let llm = try await classifier(server)
        let result = try await llm.classify("where is my package", embedding: vector)
        #expect(result.classifier == "llm:smol (fallback: \(llm.fallback.fingerprint); malformed)")
        #expect(ChatCompletionsError.unusableAnswer("x").description == "the model's answer is not usable: x")
    }

    @Test func theSchemaIsSentInTheConfiguredDialect() async throws {
        let server = try ChatCompletionsStubServer(.content(#"{"intent": "track_package", "confidence": 0.9, "category": "orders", "category_confidence": 0.8}"#))
        defer { server.stop() }
        for dialect in AssistantConfiguration.LLM.StructuredOutput.allCases {
            _ = try await classifier(server, structuredOutput: dialect).classify("where is my package \(dialect)", embedding: vector)
        }
        let bodies = server.requests.map(\.body)
        #expect(bodies.count == 4)
        let formats = try bodies.map { body -> [String: Any]? in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            #expect(object["max_tokens"] as? Int == 96)
            return object["response_format"] as? [String: Any]
        }
        #expect(formats[0]?["type"] as? String == "json_object" && formats[0]?["schema"] == nil)
        let openAI = try #require(formats[1]?["json_schema"] as? [String: Any])
        #expect(formats[1]?["type"] as? String == "json_schema" && openAI["strict"] as? Bool == true)
        let grammar = try #require(formats[2]?["schema"] as? [String: Any])
        #expect(formats[2]?["type"] as? String == "json_object")
        let intentEnum = ((grammar["properties"] as? [String: Any])?["intent"] as? [String: Any])?["enum"] as? [String]
        #expect(intentEnum?.contains("track_package") == true)
        #expect(formats[3] == nil)
    }

    // MARK: - Generation

    @Test func answersAreCappedPenalizedAndStoppedAndTheirLoopsRemoved() async throws {
        // SmolLM2 looped one instruction for 23 numbered lines and cited one chunk six times as [4] ... [9].
        let loop = (1...23).map { "\($0). Click on the Order History link again [1]." }.joined(separator: "\n")
        let server = try ChatCompletionsStubServer(.content("You can track it in Order history [1]. You can track it in Order history [1].\n" + loop + "\nSee [4] [5] [9]."))
        defer { server.stop() }
        var settings = AssistantConfiguration.LLM()
        settings.maxTokens = 200
        let responder = LLMResponder(client: client(server), model: "smol", settings: settings)
        let response = try await responder.respond(Self.context(hits: Self.hits()))
        #expect(response.text == "You can track it in Order history [1].\n1. Click on the Order History link again [1].\nSee.")
        #expect(response.sources.count == 1)
        let body = try Self.body(of: server)
        #expect(body["max_tokens"] as? Int == 200)
        #expect(body["frequency_penalty"] as? Double == 0.3)
        #expect((body["stop"] as? [String])?.contains("\nCustomer message:") == true)
    }

    @Test func llmSeedIsSentWithEveryRequestOnlyWhenSet() async throws {
        let settings = try AssistantConfiguration.parse(yaml: "assistant:\n  llm:\n    seed: 1234\n    temperature: 0.7\n", path: "s.yaml").llm
        #expect(settings.seed == 1234 && AssistantConfiguration.LLM().seed == nil)
        let server = try ChatCompletionsStubServer(.content("Track it in Order history [1]."))
        defer { server.stop() }
        let seeded = try ChatCompletionsClient.fromEnvironment(
            settings, environment: ["OPENAI_BASE_URL": server.baseURL.absoluteString, "OPENAI_API_KEY": Self.secret])
        _ = try await LLMResponder(client: seeded, model: "smol", settings: settings).respond(Self.context(hits: Self.hits()))
        _ = try await client(server).complete(model: "smol", messages: [.init(role: "user", content: "hi")])
        let bodies = try server.requests.map { try #require(try JSONSerialization.jsonObject(with: Data($0.body.utf8)) as? [String: Any]) }
        #expect(bodies.count == 2)
        #expect(bodies[0]["seed"] as? Int == 1234 && bodies[0]["temperature"] as? Double == 0.7)
        #expect(bodies[1]["seed"] == nil)
    }

    @Test func promptLabelsAndEchoedNotesAreDropped() {
        // SmolLM2 began answers with the prompt's "Customer message:" and ended them with a copied customer note.
        let answer = "Customer message:\nYou can cancel Plus in Account settings [1].\n\n- profile: plan=plus-annual"
        #expect(LLMResponder.clean(answer, citations: 1, notes: ["profile: plan=plus-annual"]) == "You can cancel Plus in Account settings [1].")
    }

    @Test func thePromptFitsTheContextWindowWithEachArticleOnce() async throws {
        let server = try ChatCompletionsStubServer(.content("From the article [1]."))
        defer { server.stop() }
        var settings = AssistantConfiguration.LLM()
        settings.contextTokens = 1024
        settings.maxTokens = 256
        let long = String(repeating: "Refunds go back to the original card within ten business days. ", count: 400)
        var hits = Self.hits()
        hits[0].chunk.text = long
        // The same chunk retrieved twice (text and title facets) is sent once.
        hits.insert(hits[0], at: 1)
        let responder = LLMResponder(client: client(server), model: "smol", settings: settings)
        _ = try await responder.respond(Self.context(hits: hits))
        let body = try Self.body(of: server)
        let messages = try #require(body["messages"] as? [[String: String]])
        let prompt = messages.compactMap { $0["content"] }.joined(separator: "\n")
        let counter = ApproximateTokenCounter()
        #expect(counter.tokenCount(prompt) <= 1024 - 256)
        #expect(prompt.contains(" …"))
        #expect(prompt.components(separatedBy: "] \(hits[0].chunk.title) (").count - 1 == 1)
        #expect(prompt.contains("where is my package"))
    }

    @Test func aCutEndsAtASentenceOrAWord() {
        let counter = ApproximateTokenCounter()
        let text = "First sentence here. Second sentence is a little longer. Third one never fits at all."
        let cut = LLMResponder.cut(text, toTokens: 14, counter: counter)
        #expect(cut.hasSuffix(" …"))
        #expect(counter.tokenCount(cut) <= 15)
        #expect(text.hasPrefix(String(cut.dropLast(2))))
        #expect(LLMResponder.cut(text, toTokens: 1000, counter: counter) == text)
        #expect(LLMResponder.cut(text, toTokens: 0, counter: counter) == "")
    }

    // MARK: - Concurrency and deadlines

    @Test func oneSlotServesRequestsOneAtATimeAndAWaiterGivesUpAtItsDeadline() async throws {
        let slots = RequestSlots(limit: 1)
        #expect(try await slots.acquire(within: 1))
        // The slot is taken: a second request waits, then gives up empty-handed.
        let start = ContinuousClock.now
        #expect(try await slots.acquire(within: 0.2) == false)
        #expect(ContinuousClock.now - start >= .milliseconds(150))
        #expect(slots.waiting == 0)
        // A waiter gets the slot when it is released.
        async let waiter = slots.acquire(within: 5)
        while slots.waiting == 0 { try await Task.sleep(for: .milliseconds(5)) }
        slots.release()
        #expect(try await waiter)
        slots.release()
        #expect(try await slots.acquire(within: 0))
        slots.release()
    }

    @Test func aCancelledWaiterLeavesAndKeepsNoSlot() async throws {
        let slots = RequestSlots(limit: 1)
        #expect(try await slots.acquire(within: 1))
        let waiter = Task { try await slots.acquire(within: 30) }
        while slots.waiting == 0 { try await Task.sleep(for: .milliseconds(5)) }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(slots.waiting == 0)
        slots.release()
        #expect(try await slots.acquire(within: 0))
    }

    @Test func aLoopbackServiceGetsOneRequestAtATime() async throws {
        let server = try ChatCompletionsStubServer(.slow(seconds: 0.3, content: "ok"))
        defer { server.stop() }
        #expect(ChatCompletionsClient.defaultConcurrency(for: server.baseURL) == 1)
        #expect(ChatCompletionsClient.defaultConcurrency(for: URL(string: "https://api.openai.com/v1")!) == 8)
        // Three requests at once against a deadline that fits one answer: one is answered, the others fall back
        // (without the limit the threaded stub answers all three in time).
        let client = client(server, timeout: 0.5)
        let results = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<3 {
                group.addTask { (try? await client.complete(model: "smol", messages: [.init(role: "user", content: "q\(index)")])) != nil }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.filter { $0 }.count == 1)
    }

    // MARK: - Stages that need no model

    @Test func smallTalkIsDecidedBeforeAnyModelCall() async throws {
        let server = try ChatCompletionsStubServer(.slow(seconds: 3, content: #"{"intent": "greeting", "confidence": 0.9}"#))
        defer { server.stop() }
        let llm = try await classifier(server)
        let assistant = try await AssistantFixtures.assistant(classifier: llm)
        var state = ConversationState(customerId: "bot-question")
        let start = ContinuousClock.now
        let reply = try await assistant.respond(to: "hello, are you a bot?", state: &state)
        #expect(reply.smallTalk != nil)
        #expect(ContinuousClock.now - start < .seconds(2))
        #expect(server.requests.isEmpty)
        #expect(reply.classifier.contains("not asked"))
    }

    @Test func timeoutsAndRefusalsFromTheTransportBecomeTheClientsErrors() async throws {
        // No socket needed: the client's mapping of transport failures and HTTP answers.
        let transport = InMemoryHTTPTransport { request in
            let body = String(decoding: request.httpBody ?? Data(), as: UTF8.self)
            if body.contains("slow") { return .failure(.timedOut(2)) }
            if body.contains("down") { return .failure(.unreachable("connection refused")) }
            return .json(503, #"{"error": {"message": "overloaded"}}"#)
        }
        let client = ChatCompletionsClient(baseURL: URL(string: "http://127.0.0.1:9/v1")!, apiKey: Self.secret, timeout: 2, transport: transport)
        func error(_ text: String) async -> ChatCompletionsError? {
            do {
                _ = try await client.complete(model: "smol", messages: [.init(role: "user", content: text)])
                return nil
            } catch {
                return error as? ChatCompletionsError
            }
        }
        #expect(await error("slow") == .timeout(2))
        #expect(await error("down") == .unreachable("connection refused"))
        #expect(await error("hello") == .http(status: 503, message: "overloaded"))
        #expect(transport.requests.count == 3)
        #expect(transport.requests.allSatisfy { $0.value(forHTTPHeaderField: "Authorization") == "Bearer \(Self.secret)" })
    }

    // MARK: - Fixtures

    static func body(of server: ChatCompletionsStubServer) throws -> [String: Any] {
        let text = try #require(server.requests.first?.body)
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func hits() -> [KnowledgeBase.Hit] {
        AssistantFixtures.chunks.prefix(3).map { KnowledgeBase.Hit(chunk: $0, score: 1, similarity: 0.5) }
    }

    static func context(hits: [KnowledgeBase.Hit]) -> ResponseContext {
        ResponseContext(
            customerId: "c", message: "where is my package",
            classification: Classification(intent: "question", confidence: 0.9, category: "orders", categoryConfidence: 0.9, classifier: "t"),
            hits: hits, recall: .init(profile: [:]), decision: .init(reasons: [], priority: .low), ticket: nil)
    }
}
