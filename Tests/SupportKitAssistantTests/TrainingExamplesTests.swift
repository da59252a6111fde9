import Foundation
import SupportKit
import SupportKitEmbedding
import SupportKitStore
import SupportKitTesting
import Testing
@testable import SupportKitAssistant

@Suite struct TrainingExamplesTests {
    @Test func parsesYAMLWithLocations() throws {
        let examples = try TrainingExamples.parseYAML("intents:\n  question:\n    - \"How?\"\n    - \"Why?\"\n  problem: [\"Broken\"]\n", path: "ex.yaml")
        #expect(examples.intents.map(\.label) == ["question", "question", "problem"])
        #expect(examples.intents[1].location.line == 4)
        #expect(examples.categories.isEmpty)
    }

    @Test func yamlErrorsNameTheLine() {
        let text = "intents:\n  question:\n    - \"How?\"\n    - \"\"\n"
        #expect(throws: InputError.self) { try TrainingExamples.parseYAML(text, path: "ex.yaml") }
        do {
            _ = try TrainingExamples.parseYAML(text, path: "ex.yaml")
        } catch let error as InputError {
            #expect(error.description.hasPrefix("ex.yaml:4:"))
            #expect(error.field == "intents.question[1]")
        } catch {
            Issue.record("unexpected \(error)")
        }
        do {
            _ = try TrainingExamples.parseYAML("intents:\n  question: \"not a list\"\n", path: "ex.yaml")
            Issue.record("expected an error")
        } catch let error as InputError {
            #expect(error.location.line == 2)
            #expect(error.problem.contains("list"))
        } catch {
            Issue.record("unexpected \(error)")
        }
        do {
            _ = try TrainingExamples.parseYAML("intent:\n  question: [a]\n", path: "ex.yaml")
            Issue.record("expected an error")
        } catch let error as InputError {
            #expect(error.problem == "unknown section")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func parsesJSONLinesWithEitherLabel() throws {
        let text = """
            {"text": "where is my parcel", "intent": "question", "category": "orders"}

            {"text": "charged twice", "category": "billing"}
            {"text": "it broke", "intent": "problem"}
            """
        let examples = try TrainingExamples.parseJSONLines(text, path: "ex.jsonl")
        #expect(examples.intents.map(\.label) == ["question", "problem"])
        #expect(examples.categories.map(\.label) == ["orders", "billing"])
        #expect(examples.categories[1].location.line == 3)
    }

    @Test func jsonLinesErrorsNameTheLine() {
        let text = "{\"text\": \"ok\", \"intent\": \"question\"}\n{\"text\": \"no label\"}\n"
        do {
            _ = try TrainingExamples.parseJSONLines(text, path: "ex.jsonl")
            Issue.record("expected an error")
        } catch let error as InputError {
            #expect(error.description.hasPrefix("ex.jsonl:2:1: intent:"))
        } catch {
            Issue.record("unexpected \(error)")
        }
        do {
            _ = try TrainingExamples.parseJSONLines("{\"text\": \"ok\", \"intent\": \"q\"}\n{broken\n", path: "ex.jsonl")
            Issue.record("expected an error")
        } catch let error as InputError {
            #expect(error.location.line == 2)
            #expect(error.problem == "not valid JSON")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
