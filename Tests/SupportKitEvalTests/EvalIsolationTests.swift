import Foundation
import Logging
import SupportKit
import SupportKitAssistant
import SupportKitEmbedding
import SupportKitIngest
import SupportKitStore
import SupportKitTesting
import Testing
@testable import SupportKitEval

/// An evaluation measures the assistant over the knowledge base and the conversation's own replay, nothing
/// else: live chats before, between or after runs change neither its numbers nor leave it a trace.
@Suite struct EvalIsolationTests {
    /// Answers by keyword, so the test does not depend on a trained model.
    struct KeywordClassifier: IntentClassifier {
        var fingerprint: String { "keyword@isolation-test" }
        var intentLabels: [String] { DefaultIntent.all }
        var categoryLabels: [String] { CategorySet.default.names }
        var trainingTexts: [String] { [] }

        func classify(_ message: String, embedding: [Float]) async throws -> Classification {
            let text = message.lowercased()
            let category = text.contains("charge") || text.contains("refund") ? "billing"
                : text.contains("password") ? "account" : text.contains("ship") || text.contains("order") ? "orders" : nil
            let intent = text.contains("person") || text.contains("human") ? DefaultIntent.escalate
                : text.contains("not") || text.contains("twice") ? DefaultIntent.problem : DefaultIntent.question
            return Classification(intent: intent, confidence: 0.9, category: category, categoryConfidence: 0.9, classifier: fingerprint)
        }
    }

    static let suiteYAML = """
        - id: refund-then-person
          customer:
            id: cust-iso-1
            history:
              - {text: "Asked about a refund for a charge twice last week", category: billing, resolved: false}
          turns:
            - user: "I was charged twice for one order"
              expect: {intent: problem, category: billing, docs: [billing/double-charge], escalate: false}
            - user: "How long does a refund take?"
              expect: {intent: question, category: billing, docs: [billing/refunds]}
            - user: "I want to talk to a person"
              expect: {intent: escalate, escalate: true}
        - id: password-help
          customer: {id: cust-iso-2}
          turns:
            - user: "How do I reset my password?"
              expect: {intent: question, category: account, docs: [account/password-reset], escalate: false}
            - user: "Where is my order shipping from?"
              expect: {intent: question, category: orders, docs: [orders/shipping]}
        """

    static func writeCorpus(_ folder: TemporaryDirectory) throws {
        let articles = [
            ("billing/double-charge.md", "Charged twice", "If you were charged twice for one order, one charge is usually a pending hold that disappears in three days."),
            ("billing/refunds.md", "Refund timing", "A refund takes five to ten business days to reach your card after we approve it."),
            ("account/password-reset.md", "Reset your password", "To reset your password, open Sign in, choose Forgot password and follow the emailed link."),
            ("orders/shipping.md", "Shipping times", "Orders ship from our warehouse within two days; tracking arrives by email."),
        ]
        for (path, title, body) in articles {
            try folder.write("---\ntitle: \(title)\ntags: [\(title.lowercased())]\n---\n\(body)\n\n## More\n\(body) Contact us if it does not help.\n", to: path)
        }
    }

    /// What live use leaves behind: every ticket and the suite customers' memory.
    static func liveState(_ tickets: TicketStore, _ memory: CustomerMemory) async throws -> [String] {
        var lines = try await tickets.list(limit: 1000).map { "ticket \($0.id) \($0.customerId) \($0.summary)" }
        for customer in ["cust-iso-1", "cust-iso-2"] {
            lines += try await memory.interactions(for: customer).map { "memory \(customer) \($0.id) \($0.text) \($0.resolved)" }
            lines.append("profile \(customer) \(try await memory.profile(for: customer))")
        }
        return lines
    }

    /// A run's numbers without the timings, which measure the machine, not the assistant.
    static func quality(_ outcome: EvalOutcome) -> ([String: Double?], [String]) {
        let metrics = outcome.metrics.metrics.filter { !$0.key.hasPrefix("latency") }.mapValues(\.value)
        let turns = outcome.records.map { record in
            let prediction = record.prediction
            return "\(record.conversationId)#\(record.turnIndex) \(prediction?.intent ?? "-") \(prediction?.rankedDocIds ?? []) "
                + "\(prediction?.escalated ?? false) \(prediction?.ticketId ?? "-") \(prediction?.memoryRecalled ?? []) \(prediction?.answer ?? "")"
        }
        return (metrics, turns)
    }

    @Test func anEvaluationAroundLiveTrafficGivesTheSameNumbersAndLeavesNoTrace() async throws {
        let folder = try TemporaryDirectory(prefix: "eval-isolation")
        defer { folder.remove() }
        let corpusFolder = try TemporaryDirectory(prefix: "eval-isolation-corpus")
        defer { corpusFolder.remove() }
        try Self.writeCorpus(corpusFolder)
        let corpus = corpusFolder.url
        let database = try StoreDatabase(path: folder.url.appendingPathComponent("store.sqlite").path)
        let store = SQLiteVectorStore(database: database)
        let embedder = LexicalEmbedder(dimension: 256)
        let ingest = IngestPipeline(
            store: store, manifest: IngestManifest(database: database, collection: Collections.knowledge), embedder: embedder,
            configuration: .init(), logger: Logger(label: "test"))
        #expect(try await ingest.run(paths: [corpus]).documents.added == 4)

        var configuration = AssistantConfiguration()
        configuration.escalation.minKnowledgeScore = 0.01
        let tickets = try TicketStore(path: folder.url.appendingPathComponent("tickets.sqlite").path)
        let memory = CustomerMemory(store: store, embedder: embedder, configuration: configuration.memory)
        try await memory.prepare()
        let assistant = SupportAssistant(
            configuration: configuration, embedder: embedder, classifier: KeywordClassifier(),
            knowledge: KnowledgeBase(store: store, configuration: configuration.retrieval), memory: memory, tickets: tickets)
        let factory = try SupportAssistantFactory(assistant: assistant)
        let suite = SuiteLoader().load(sources: [("evals/isolation.yaml", Self.suiteYAML)]).suite
        #expect(suite.conversations.count == 2)
        let results = try ResultsStore(path: folder.url.appendingPathComponent("results.sqlite").path)
        let options = EvalRunner.Options(concurrency: 2)

        let first = try await EvalRunner.run(suite: suite, factory: factory, results: results, options: options)
        #expect(try await Self.liveState(tickets, memory).allSatisfy { $0.hasPrefix("profile") }, "evaluation wrote live data")

        // Live traffic from the suite's own customers: questions, problems, a hand-off.
        for (customer, messages) in [
            ("cust-iso-1", ["I was charged twice again, refund please", "a refund for my charge twice", "get me a human now"]),
            ("cust-iso-2", ["my password reset link is not working", "password reset still not working"]),
        ] {
            let session = try await factory.makeSession(
                conversationId: "live-\(customer)", customer: Conversation.Customer(id: customer), isolatedMemory: false)
            for message in messages { _ = try await session.respond(to: message) }
        }
        let live = try await Self.liveState(tickets, memory)
        #expect(live.contains { $0.hasPrefix("ticket") })
        #expect(live.filter { $0.hasPrefix("memory") }.count == 5)

        let second = try await EvalRunner.run(suite: suite, factory: factory, results: results, options: options)
        let (firstMetrics, firstTurns) = Self.quality(first)
        let (secondMetrics, secondTurns) = Self.quality(second)
        #expect(secondMetrics == firstMetrics)
        #expect(secondTurns == firstTurns)
        #expect(first.records.contains { $0.prediction?.ticketId != nil })
        #expect(try await Self.liveState(tickets, memory) == live)
        #expect(first.run.fingerprints == second.run.fingerprints)
    }

    @Test func theCorpusHashNamesAChangedKnowledgeBase() async throws {
        let folder = try TemporaryDirectory(prefix: "eval-kb-hash")
        defer { folder.remove() }
        let corpus = try TemporaryDirectory(prefix: "eval-kb-hash-corpus")
        defer { corpus.remove() }
        try Self.writeCorpus(corpus)
        let database = try StoreDatabase(path: folder.url.appendingPathComponent("store.sqlite").path)
        let store = SQLiteVectorStore(database: database)
        let ingest = IngestPipeline(
            store: store, manifest: IngestManifest(database: database, collection: Collections.knowledge),
            embedder: LexicalEmbedder(dimension: 64), configuration: .init(), logger: Logger(label: "test"))
        _ = try await ingest.run(paths: [corpus.url])
        let before = try #require(try await KnowledgeCatalog.load(from: store))
        // Memory writes do not change it.
        let memory = CustomerMemory(store: store, embedder: LexicalEmbedder(dimension: 64))
        try await memory.prepare()
        try await memory.remember(.init(customerId: "c", text: "hello", intent: nil, category: nil, resolved: true, time: Date()))
        #expect(try await KnowledgeCatalog.load(from: store)?.corpusHash == before.corpusHash)
        // A changed tag (a facet only, no chunk text) does.
        try corpus.write("---\ntitle: Shipping times\ntags: [delivery]\n---\nOrders ship from our warehouse within two days; tracking arrives by email.\n\n## More\nOrders ship from our warehouse within two days; tracking arrives by email. Contact us if it does not help.\n", to: "orders/shipping.md")
        _ = try await ingest.run(paths: [corpus.url])
        #expect(try await KnowledgeCatalog.load(from: store)?.corpusHash != before.corpusHash)
    }
}
