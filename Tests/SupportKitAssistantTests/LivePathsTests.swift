import Foundation
import SupportKit
import SupportKitStore
import Testing
@testable import SupportKitAssistant

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
