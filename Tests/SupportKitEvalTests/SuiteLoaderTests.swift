import Foundation
import Testing
import SupportKit
import SupportKitTesting
@testable import SupportKitEval

@Suite struct SuiteLoaderTests {
    let loader = SuiteLoader(configuration: .init(knownDocIds: ["billing/refunds", "billing/duplicate-charges"]))

    @Test func loadsTheDocumentedYAMLFormat() throws {
        let yaml = """
        - id: billing-double-charge-01
          customer:
            id: cust-1042
            profile: {plan: premium, seats: 3}
            history:
              - {text: "Refund requested for order 5521", category: billing, resolved: false}
          turns:
            - user: "I was charged twice for my subscription this month"
              expect:
                intent: problem
                category: billing
                docs: [billing/duplicate-charges]
                escalate: false
            - user: "Third time this happens. Get me a human."
              expect: {intent: escalate, escalate: true}
        """
        let result = loader.load(sources: [("evals/billing.yaml", yaml)])
        #expect(result.errors.isEmpty)
        let conversation = try #require(result.suite.conversations.first)
        #expect(conversation.id == "billing-double-charge-01")
        #expect(conversation.customer.profile == ["plan": "premium", "seats": "3"])
        #expect(conversation.customer.history == [Conversation.HistoryItem(text: "Refund requested for order 5521", category: "billing", resolved: false)])
        #expect(conversation.turns.count == 2)
        #expect(conversation.turns[0].expect == Conversation.Expectation(intent: "problem", category: "billing", docs: ["billing/duplicate-charges"], escalate: false))
        #expect(conversation.turns[1].expect == Conversation.Expectation(intent: "escalate", escalate: true))
        #expect(conversation.location == SourceLocation(path: "evals/billing.yaml", line: 1, column: 3))
        #expect(conversation.turns[1].location?.line == 14)
    }

    @Test func reportsEveryProblemAtItsLine() {
        let yaml = """
        - id: conv-1
          customer: {id: c1}
          turns:
            - user: "hello"
              expect: {intent: questoin, category: refund, docs: [billing/refnds], escalate: "no"}
        - id: conv-2
          turns:
            - user: "   "
        - id: conv-2
          turns:
            - user: "ok"
              expects: {intent: question}
        - customer: {id: c4}
          turns: []
        """
        let result = loader.load(sources: [("evals/bad.yaml", yaml)])
        #expect(result.errors.map(\.description) == [
            #"evals/bad.yaml:5:24: turns[0].expect.intent: unknown intent "questoin"; expected one of question, problem, action, feedback, escalate"#,
            #"evals/bad.yaml:5:44: turns[0].expect.category: unknown category "refund"; expected one of account, orders, billing"#,
            #"evals/bad.yaml:5:86: turns[0].expect.escalate: expected true or false, found a string; write true or false without quotes"#,
            #"evals/bad.yaml:8:13: turns[0].user: empty message; write the customer's message or remove the turn"#,
            #"evals/bad.yaml:9:7: id: duplicate conversation id "conv-2" (first at evals/bad.yaml:6:3); give each conversation a unique id"#,
            #"evals/bad.yaml:12:16: turns[0].expects: unknown field; expected one of user, expect"#,
            #"evals/bad.yaml:13:3: id: missing; give every conversation a unique id"#,
            #"evals/bad.yaml:14:10: turns: no turns; add at least one turn with a user message"#,
        ])
        #expect(result.suite.conversations.isEmpty)
    }

    @Test func duplicateIdsAcrossFilesPointAtTheFirst() {
        let first = "- id: same\n  turns:\n    - user: hi\n"
        let second = "{\"id\": \"same\", \"turns\": [{\"user\": \"hello\"}]}\n"
        let result = loader.load(sources: [("a.yaml", first), ("b.jsonl", second)])
        #expect(result.errors.map(\.description) == [
            #"b.jsonl:1:1: id: duplicate conversation id "same" (first at a.yaml:1:3); give each conversation a unique id"#,
        ])
        #expect(result.suite.conversations.map(\.id) == ["same"])
    }

    @Test func jsonlKeepsGoodLinesAndReportsBadOnes() throws {
        let jsonl = """
        {"id": "j1", "customer": {"id": "c1"}, "turns": [{"user": "Where is my parcel?", "expect": {"intent": "question", "docs": ["billing/refunds"], "escalate": false}}]}

        {"id": "j2", "turns": [
        {"id": "j3", "turns": [{"user": "x", "expect": {"escalate": 1}}]}
        """
        let result = loader.load(sources: [("evals/s.jsonl", jsonl)])
        #expect(result.errors.map(\.description) == [
            "evals/s.jsonl:3:1: json: not valid JSON; write one conversation object per line",
            "evals/s.jsonl:4:1: turns[0].expect.escalate: expected true or false, found a number; write true or false without quotes",
        ])
        let conversation = try #require(result.suite.conversations.first)
        #expect(conversation.id == "j1" && conversation.turns[0].expect.escalate == false)
        #expect(conversation.turns[0].location?.line == 1)
    }

    @Test func yamlSyntaxErrorsCarryTheirLine() {
        let result = loader.load(sources: [("x.yaml", "- id: a\n  turns: [\n")])
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.field == "yaml")
        #expect((result.errors.first?.location.line ?? 0) >= 2)
    }

    @Test func foldersAreReadRecursivelyInSortedOrder() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try folder.write("- id: b\n  turns: [{user: two}]\n", to: "z/b.yaml")
        try folder.write("{\"id\": \"a\", \"turns\": [{\"user\": \"one\"}]}\n", to: "a.jsonl")
        try folder.write("- id: c\n  turns: [{user: three}]\n", to: "m/c.yml")
        try folder.write("not a suite", to: "notes.txt")
        try folder.write("- id: hidden\n  turns: [{user: x}]\n", to: ".cache/h.yaml")
        let result = loader.load(paths: [folder.path])
        #expect(result.errors.isEmpty)
        #expect(result.suite.conversations.map(\.id) == ["a", "c", "b"])
        #expect(result.suite.files.map { ($0 as NSString).lastPathComponent } == ["a.jsonl", "c.yml", "b.yaml"])
        let missing = loader.load(paths: [folder.path + "/nope.yaml"])
        #expect(missing.errors.first?.description == "\(folder.path)/nope.yaml:1:1: path: no such file or folder; pass a suite file (.yaml, .yml, .jsonl) or a folder of them")
    }

    @Test func suiteHashIgnoresFormattingButNotLabels() {
        let a = loader.load(sources: [("a.yaml", "- id: x\n  turns:\n    - user: hi\n      expect: {intent: question}\n")]).suite
        let b = loader.load(sources: [("b.jsonl", "{\"id\": \"x\", \"turns\": [{\"user\": \"hi\", \"expect\": {\"intent\": \"question\"}}]}\n")]).suite
        let c = loader.load(sources: [("a.yaml", "- id: x\n  turns:\n    - user: hi\n      expect: {intent: problem}\n")]).suite
        #expect(a.hash == b.hash)
        #expect(a.hash != c.hash)
    }

    @Test func warnsWhenAMessageRepeatsATrainingExample() {
        let loader = SuiteLoader(configuration: .init(trainingExamples: [
            "How do I change my email address?", "My package arrived damaged and the box was open",
        ]))
        let yaml = """
        - id: w
          turns:
            - user: "how do I change my EMAIL address"
            - user: "my package arrived damaged, and the box was opened"
            - user: "What are your opening hours?"
        """
        let result = loader.load(sources: [("w.yaml", yaml)])
        #expect(result.errors.isEmpty && result.suite.conversations.count == 1)
        #expect(result.warnings.map(\.description) == [
            #"w.yaml:3:7: turns[0].user: repeats the classifier training example "How do I change my email address?"; rephrase the message or drop the example from training, or intent accuracy is inflated"#,
            #"w.yaml:4:7: turns[1].user: nearly repeats (word overlap 0.80) the classifier training example "My package arrived damaged and the box was open"; rephrase the message or drop the example from training, or intent accuracy is inflated"#,
        ])
    }
}
