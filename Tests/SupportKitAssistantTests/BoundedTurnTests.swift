import Foundation
import Testing
import SupportKit
import SupportKitStore
import Synchronization
@testable import SupportKitAssistant

@Suite struct BoundedTurnTests {
    @Test func aTurnEmbedsTheSameAmountAtTurnTenAndTurnTwoHundred() async throws {
        let counting = CountingEmbedder()
        let base = try await AssistantFixtures.assistant(classifier: KeywordClassifier([("arrive", "problem", 0.9, "orders", 0.9)]))
        let assistant = SupportAssistant(
            configuration: base.configuration, embedder: counting, classifier: base.classifier, knowledge: base.knowledge,
            memory: CustomerMemory(store: InMemoryVectorStore(), embedder: counting, configuration: base.configuration.memory),
            tickets: base.tickets)
        var state = ConversationState(customerId: "wen")
        var costs: [Int: Int] = [:]
        for index in 1...200 {
            let before = counting.embedded.withLock { $0 }
            _ = try await assistant.respond(to: "How do I cancel an order before it ships?", state: &state)
            if index == 10 || index == 200 { costs[index] = counting.embedded.withLock { $0 } - before }
        }
        #expect(costs[10] != nil && costs[10] == costs[200])
        #expect(state.turns.count == 200)
    }
}
