import Foundation
import SupportKit
import SupportKitStore
import Testing
@testable import SupportKitAssistant

@Suite struct ExtractiveResponderTests {
    func hits(_ docIds: [String]) -> [KnowledgeBase.Hit] {
        docIds.enumerated().compactMap { index, docId in
            AssistantFixtures.chunks.first { $0.docId == docId }.map { KnowledgeBase.Hit(chunk: $0, score: 1 - Double(index) * 0.1, similarity: 0.5) }
        }
    }

    func context(_ message: String, intent: String = "question", category: String? = nil, hits: [KnowledgeBase.Hit], recall: CustomerMemory.Recall = .init()) -> ResponseContext {
        ResponseContext(
            customerId: "c", message: message,
            classification: Classification(intent: intent, confidence: 0.9, category: category, categoryConfidence: 0.9, classifier: "t"),
            hits: hits, recall: recall, decision: .init(reasons: [], priority: .low), ticket: nil)
    }

    @Test func quotesTheBestChunksAndCitesTitlesAndLinks() {
        let responder = ExtractiveResponder()
        let response = responder.compose(context("How long do card refunds take?", hits: hits(["billing/refund-timeline", "billing/duplicate-charges"])))
        #expect(response.text.contains("Card refunds take 5 to 10 business days to appear. [1]"))
        #expect(response.sources.first == Reply.Source(
            docId: "billing/refund-timeline", title: "Refund timeline",
            link: "https://help.example.com/billing/refund-timeline#how-long-refunds-take"))
        // The sources travel once, in `sources`: the text carries only the [n] markers.
        #expect(!response.text.contains("Sources:"))
        #expect(!response.text.contains("https://"))
        #expect(response.responder == "extractive")
        // Every quoted line comes from a retrieved chunk.
        let chunkText = AssistantFixtures.chunks.map(\.text).joined(separator: " ")
        for line in response.text.split(separator: "\n") where line.hasSuffix("[1]") || line.hasSuffix("[2]") {
            #expect(chunkText.contains(line.dropLast(4)))
        }
    }

    @Test func leadsWithTheAnsweringStepAndKeepsTheSourceOrder() {
        let chunk = AssistantFixtures.chunk(
            "orders/duplicate-order", title: "Duplicate orders", category: "orders", heading: "Duplicate orders",
            text: "Double orders happen when checkout is submitted twice. Cancel the extra order in Order history within 60 minutes. The refund for it reaches your card in 3 to 5 days. Gift orders cannot be merged.")
        let response = ExtractiveResponder().compose(context("how do I cancel the extra duplicate order?", hits: [KnowledgeBase.Hit(chunk: chunk, score: 1, similarity: 0.9)]))
        let lines = response.text.split(separator: "\n").map(String.init)
        #expect(lines.first == "Cancel the extra order in Order history within 60 minutes. [1]")
        #expect(lines.dropFirst().first == "The refund for it reaches your card in 3 to 5 days. [1]")
        #expect(!response.text.contains("Double orders happen"))
    }

    @Test func asksWhichArticleWhenRetrievalIsUnsure() {
        let close = [
            KnowledgeBase.Hit(chunk: AssistantFixtures.chunks[0], score: 1, similarity: 0.41),
            KnowledgeBase.Hit(chunk: AssistantFixtures.chunks[1], score: 0.9, similarity: 0.40),
        ]
        let unsure = ExtractiveResponder().compose(context("refund", hits: close))
        #expect(unsure.text.contains("Which one is closer to what you need?"))
        var clear = close
        clear[1].similarity = 0.2
        #expect(!ExtractiveResponder().compose(context("refund", hits: clear)).text.contains("Which one"))
    }

    @Test func saysSoWhenNothingWasFound() {
        let response = ExtractiveResponder().compose(context("zzz", hits: []))
        #expect(response.sources.isEmpty)
        #expect(response.text.contains("couldn't find an article"))
    }

    @Test func doesNotReaskWhatTheCustomerAlreadySaid() {
        let issue = CustomerMemory.Interaction(customerId: "c", text: "Order 88412 arrived broken", intent: "problem", category: "orders", resolved: false, time: Date(timeIntervalSince1970: 0))
        let withMemory = ExtractiveResponder().compose(context(
            "my order never got cancelled", intent: "problem", category: "orders", hits: hits(["orders/cancel-order"]),
            recall: .init(openIssues: [issue])))
        #expect(withMemory.text.contains("I have your order #88412 on file"))
        #expect(!withMemory.text.contains("reply with your order number"))
        #expect(withMemory.text.contains("I can see your earlier report is still open: \"Order 88412 arrived broken\""))

        let without = ExtractiveResponder().compose(context("my order never got cancelled", intent: "problem", category: "orders", hits: hits(["orders/cancel-order"])))
        #expect(without.text.contains("reply with your order number"))
    }

    @Test func splitsSentencesAndKeepsListItems() {
        #expect(ExtractiveResponder.sentences("One. Two? Three!\n- item a\n- item b") == ["One.", "Two?", "Three!", "- item a", "- item b"])
        #expect(ExtractiveResponder.orderNumber(in: "my order 5521 is late") == "#5521")
        #expect(ExtractiveResponder.orderNumber(in: "since 2024 I pay $1999") == nil)
    }
}

@Suite struct AssistantConfigurationTests {
    @Test func defaultsWhenTheSectionIsAbsent() throws {
        let configuration = try AssistantConfiguration.parse(yaml: "store: sqlite:x\n", path: "supportkit.yaml")
        #expect(configuration == AssistantConfiguration())
    }

    @Test func readsNestedSettings() throws {
        let yaml = """
            assistant:
              retrieval:
                k: 7
                hybrid: false
              escalation:
                min_knowledge_score: 0.3
                intents: [escalate, legal]
              classifier:
                kind: llm
                model: small-model
            """
        let configuration = try AssistantConfiguration.parse(yaml: yaml, path: "supportkit.yaml")
        #expect(configuration.retrieval.k == 7)
        #expect(!configuration.retrieval.hybrid)
        #expect(configuration.retrieval.categoryFilterThreshold == AssistantConfiguration.Retrieval().categoryFilterThreshold)
        #expect(configuration.escalation.minKnowledgeScore == 0.3)
        #expect(configuration.escalation.intents == ["escalate", "legal"])
        #expect(configuration.classifier.kind == .llm)
        #expect(configuration.classifier.model == "small-model")
    }

    @Test func unknownKeysAndWrongTypesNameTheLine() {
        do {
            _ = try AssistantConfiguration.parse(yaml: "assistant:\n  retrieval:\n    kk: 3\n", path: "supportkit.yaml")
            Issue.record("expected an error")
        } catch let error as InputError {
            #expect(error.description.hasPrefix("supportkit.yaml:3:5: assistant.retrieval.kk: unknown setting; expected one of"))
        } catch {
            Issue.record("unexpected \(error)")
        }
        do {
            _ = try AssistantConfiguration.parse(yaml: "assistant:\n  retrieval:\n    k: many\n", path: "supportkit.yaml")
            Issue.record("expected an error")
        } catch let error as InputError {
            #expect(error.location.line == 3)
            #expect(error.field == "assistant.retrieval.k")
            #expect(error.problem == "expected a whole number")
        } catch {
            Issue.record("unexpected \(error)")
        }
        do {
            _ = try AssistantConfiguration.parse(yaml: "assistant:\n  responder:\n    kind: poetic\n", path: "supportkit.yaml")
            Issue.record("expected an error")
        } catch let error as InputError {
            #expect(error.field == "assistant.responder.kind")
            #expect(error.problem.hasPrefix("\"poetic\" is not one of extractive, llm"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}

@Suite struct LivePathsTests {
    @Test func defaultPathsMoveBesideTheStore() {
        let paths = SupportAssistant.Paths.resolve(AssistantConfiguration(), stateFolder: "other")
        #expect(paths == .init(classifier: "other/classifier.json", tickets: "other/assistant.sqlite", llmCache: "other/llm-cache.sqlite"))
        var configuration = AssistantConfiguration()
        configuration.classifier.path = "models/mine.json"
        #expect(SupportAssistant.Paths.resolve(configuration, stateFolder: "other").classifier == "models/mine.json")
    }

    @Test func liveAssistantExplainsWhatIsMissing() async throws {
        let store = try await AssistantFixtures.knowledgeStore()
        let paths = SupportAssistant.Paths.resolve(AssistantConfiguration(), stateFolder: "/nonexistent-\(UUID().uuidString)")
        do {
            _ = try await SupportAssistant.makeLive(store: store, embedder: AssistantFixtures.embedder, configuration: .init(), paths: paths, environment: [:])
            Issue.record("expected an error")
        } catch let error as SupportKitError {
            #expect(error.message.contains("run `supportkit train corpora/intents.yaml` first"))
        }
        do {
            _ = try await SupportAssistant.makeLive(store: InMemoryVectorStore(), embedder: AssistantFixtures.embedder, configuration: .init(), paths: paths, environment: [:])
            Issue.record("expected an error")
        } catch let error as SupportKitError {
            #expect(error.message.contains("run `supportkit ingest corpora/` first"))
        }
    }
}
