import Foundation
import SupportKit
import SupportKitStore
import Testing
@testable import SupportKitAssistant

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
