import Foundation
import Testing
import SupportKit
import SupportKitEvalTesting
import SupportKitTesting
@testable import SupportKitEval
@testable import SupportKitReport

/// Conversation-level CI: `--max-regressed-conversations`, `--fail-under conversation_pass_rate`, the JUnit modes,
/// suite errors in every artifact, and a deleted expected article scored as a miss rather than dropped.
@Suite struct ConversationGateTests {
    static let yaml = """
        - id: refund
          customer: {id: c1, profile: {plan: premium}}
          turns:
            - user: "refund please"
              expect: {intent: problem, docs: [billing/refunds]}
        - id: double-charge
          customer: {id: c2, profile: {plan: free}}
          turns:
            - user: "charged twice"
              expect: {intent: problem, docs: [billing/duplicate-charges]}
        - id: human
          turns:
            - user: "get me a human"
              expect: {intent: escalate, escalate: true}
        """

    static func factory(duplicateFound: Bool) -> FakeFactory {
        FakeFactory(script: [
            "refund please": .reply(makeReply(intent: "problem", docs: ["billing/refunds"])),
            "charged twice": .reply(makeReply(intent: "problem", docs: duplicateFound ? ["billing/duplicate-charges"] : ["billing/refunds"])),
            "get me a human": .reply(makeReply(intent: "escalate", escalated: true)),
        ])
    }

    static func loader(known: Set<String>) -> SuiteLoader {
        SuiteLoader(configuration: .init(knownDocIds: known))
    }

    static let allDocs: Set<String> = ["billing/refunds", "billing/duplicate-charges"]

    /// Runs the suite the way `eval` does (through `EvalJob`), with the knowledge base holding `known`.
    func job(
        _ folder: TemporaryDirectory, known: Set<String>, duplicateFound: Bool, gates: [GateRule], baseline: String? = nil,
        junitCases: JUnitCases = .gates, extraSource: (String, String)? = nil, slices: [String] = []
    ) async throws -> EvalJob.Result {
        let loaded = Self.loader(known: known).load(sources: [("evals/ci.yaml", Self.yaml)] + (extraSource.map { [$0] } ?? []))
        var request = EvalRequest(results: folder.url.appendingPathComponent("results.sqlite").path,
                                  reportDirectory: folder.url.appendingPathComponent("reports").path, baseline: baseline, gates: gates,
                                  junit: folder.url.appendingPathComponent("junit.xml").path, junitCases: junitCases,
                                  markdown: folder.url.appendingPathComponent("summary.md").path, slices: slices)
        request.resamples = 100
        let plan = try request.plan(settings: EvalSettings())
        let catalog = KnowledgeCatalog(docIds: known, corpusHash: "h", chunkCount: known.count,
                                       categories: Dictionary(uniqueKeysWithValues: known.map { ($0, "billing") }),
                                       tags: ["billing/refunds": ["money"]])
        return try await EvalJob.run(plan: plan, loaded: loaded, factory: Self.factory(duplicateFound: duplicateFound),
                                     fingerprints: [:], catalog: catalog)
    }

    @Test func maxRegressedConversationsFailsBeyondN() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let gate = GateRule.maxRegressedConversations(0)
        // First run with `latest`: no baseline yet, skipped.
        let first = try await job(folder, known: Self.allDocs, duplicateFound: true, gates: [gate], baseline: "latest")
        #expect(first.outcome.gates.map(\.skipped) == [true] && first.exitCode == 0)
        #expect(first.outcome.metrics.metrics[MetricName.conversationPassRate]?.value == 1)
        // The article is deleted and the conversation that expected it fails now: exit 1.
        let second = try await job(folder, known: ["billing/refunds"], duplicateFound: false, gates: [gate], baseline: "latest")
        #expect(second.exitCode == 1)
        let result = try #require(second.outcome.gates.first)
        #expect(!result.passed)
        #expect(result.rule == "max-regressed-conversations 0")
        #expect(result.detail == "1 of 3 conversations passed in \(first.outcome.run.id) and fail now (more than 0 allowed): double-charge")
        // One regression is tolerated with N = 1.
        let tolerant = GateRule.maxRegressedConversations(1).evaluate(metrics: [:], comparison: second.outcome.comparison)
        #expect(tolerant.passed)
        // Without a baseline the gate cannot be checked.
        #expect(!gate.evaluate(metrics: [:], comparison: nil).passed)
        #expect(throws: SupportKitError.self) { _ = try EvalRequest(gates: [gate]).plan(settings: EvalSettings()) }
        do {
            _ = try EvalRequest(gates: [gate]).plan(settings: EvalSettings())
        } catch {
            #expect(error.message == "--max-regressed-conversations compares with a baseline; add --baseline RUN or --baseline latest")
        }
    }

    @Test func failUnderConversationPassRate() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let gate = try GateRule.parse("conversation_pass_rate=0.9", flag: "--fail-under")
        let result = try await job(folder, known: ["billing/refunds"], duplicateFound: false, gates: [gate])
        #expect(result.outcome.gates[0].detail.hasPrefix("conversation_pass_rate = 0.6667 < 0.9"))
        #expect(result.exitCode == 1)
        #expect(try GateRule.parse("conversation_pass_rate=0.5", flag: "--fail-under").evaluate(metrics: result.outcome.metrics.metrics, comparison: nil).passed)
    }

    @Test func aDeletedArticleIsARetrievalMissNotADroppedConversation() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let loaded = Self.loader(known: ["billing/refunds"]).load(sources: [("evals/ci.yaml", Self.yaml)])
        #expect(loaded.errors.isEmpty)
        #expect(loaded.suite.conversations.count == 3)
        #expect(loaded.missingDocIds == ["billing/duplicate-charges"] && loaded.missingDocExpectations == 1)
        #expect(loaded.warnings.map(\.description) == [
            #"evals/ci.yaml:9:7: turns[0].expect.docs: no ingested document has id "billing/duplicate-charges"; the turn is scored as a retrieval miss (kb_gap); ingest the article, or use an id that `supportkit search` shows"#,
        ])
        let result = try await job(folder, known: ["billing/refunds"], duplicateFound: false, gates: [])
        #expect(result.exitCode == 0)   // no gate asked for anything, and no input error
        #expect(result.outcome.metrics.conversations == 3)
        #expect(result.outcome.metrics.metrics["recall@5"]?.n == 2)
        #expect(result.outcome.metrics.metrics["recall@5"]?.value == 0.5)
        #expect(result.failures.byCause == ["kb_gap": 1])
        #expect(result.failures.groups[0].topics.map(\.article) == ["billing/duplicate-charges"])
        #expect(result.output.missingArticles == MissingArticlesOutput(knowledge: KnowledgeFacts(missingDocIds: ["billing/duplicate-charges"]), records: result.outcome.records))
        #expect(result.output.missingArticles?.expectations == 1)
        // The run keeps what the knowledge base lacked, so a re-rendered report attributes the same way.
        let store = try ResultsStore(path: folder.url.appendingPathComponent("results.sqlite").path)
        let input = try ReportInput.load(runId: result.outcome.run.id, from: store)
        #expect(input.run.knowledge?.missingDocIds == ["billing/duplicate-charges"])
        #expect(input.failures.byCause == ["kb_gap": 1])
        let md = try String(contentsOf: folder.url.appendingPathComponent("summary.md"), encoding: .utf8)
        #expect(md.contains("1 expected article is not in the knowledge base (billing/duplicate-charges); 1 turn expects one and is scored as retrieval misses (kb_gap)"))
        #expect(md.contains("### What to fix"))
        #expect(md.contains("- `billing/duplicate-charges` (1): “charged twice”"))
        let encoded = String(decoding: try JSONEncoder().encode(result.output), as: UTF8.self)
        #expect(encoded.contains(#""failures":{"#) && encoded.contains(#""kb_gap":1"#))
    }

    @Test func junitModesAndSuiteErrors() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let broken = ("evals/broken.yaml", "- id: broken\n  turns:\n    - user: \"hi\"\n      expect: {intent: questoin}\n")
        // Default mode: the failing conversation is reported, not failed; the suite error is an <error>; exit 2.
        let result = try await job(folder, known: ["billing/refunds"], duplicateFound: false, gates: [], extraSource: broken)
        #expect(result.exitCode == 2)
        let xml = try String(contentsOf: folder.url.appendingPathComponent("junit.xml"), encoding: .utf8)
        #expect(xml.contains("tests=\"4\" failures=\"0\" errors=\"1\" skipped=\"0\""))
        #expect(xml.contains("<testcase classname=\"eval.suite\" name=\"evals/broken.yaml:4:24\" time=\"0\">"))
        #expect(xml.contains("<error message=\"evals/broken.yaml:4:24: turns[0].expect.intent: unknown intent &quot;questoin&quot;"))
        #expect(xml.contains("turn 1 [kb_gap]: &quot;charged twice&quot;"))
        let md = try String(contentsOf: folder.url.appendingPathComponent("summary.md"), encoding: .utf8)
        #expect(md.hasPrefix("## supportkit eval · run `\(result.outcome.run.id)`\n\n**❌ 1 suite error: those conversations were left out and the run exits 2.**"))
        // Conversations mode: the conversation that missed its article fails on its own, naming the cause.
        let strict = try await job(folder, known: ["billing/refunds"], duplicateFound: false, gates: [], junitCases: .conversations)
        #expect(strict.exitCode == 0)
        let strictXML = try String(contentsOf: folder.url.appendingPathComponent("junit.xml"), encoding: .utf8)
        #expect(strictXML.contains("tests=\"3\" failures=\"1\" errors=\"0\""))
        #expect(strictXML.contains("<failure message=\"1 expectation broke in 1 of 1 turns; first: turn 1 (kb_gap): docs: none of [billing/duplicate-charges] in top 5 [billing/refunds]\" type=\"ExpectationFailed\"/>"))
    }

    @Test func slicesCarryEveryMetricWithIntervalsAndWarnWhenSmall() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let result = try await job(folder, known: ["billing/refunds"], duplicateFound: false, gates: [],
                                   slices: ["file", "profile.plan", "tag", "intent"])
        let slices = result.outcome.slices
        #expect(slices.map { "\($0.field)=\($0.value):\($0.turns)" } == [
            "file=evals/ci.yaml:3", "profile.plan=free:1", "profile.plan=premium:1", "profile.plan=(none):1", "tag=money:1",
            "intent=escalate:1", "intent=problem:2",
        ])
        #expect(slices.allSatisfy { $0.isSmall })
        let file = try #require(slices.first)
        #expect(Set(file.metrics.keys) == Set(MetricName.all))
        #expect(file.metrics[MetricName.conversationPassRate]?.value == 2.0 / 3.0)
        #expect(file.metrics[MetricName.conversationPassRate]?.ciLow != nil)
        #expect(slices.first { $0.value == "free" }?.metrics[MetricName.conversationPassRate]?.value == 0)
        #expect(result.output.slices?.count == 7)
        // The run remembers its slices: the report and the Markdown show them.
        let md = try String(contentsOf: folder.url.appendingPathComponent("summary.md"), encoding: .utf8)
        #expect(md.contains("### Slices") && md.contains("| ⚠️ premium | 1 | 100.0%"))
        let html = try String(contentsOf: folder.url.appendingPathComponent("reports/latest.html"), encoding: .utf8)
        #expect(html.contains("<h3>By profile.plan</h3>"))
        // Settings: a bad field is refused with the remedy.
        #expect(SliceField.problem("profile.") != nil && SliceField.problem("colour") == "unknown slice field \"colour\"")
    }

    @Test func settingsFileTakesTheConversationGateAndSlices() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let file = try folder.write("eval:\n  max_regressed_conversations: 2\n  slices: [file, profile.plan]\n", to: "supportkit.yaml")
        let settings = try EvalSettings.load(path: file.path)
        #expect(settings.gates == [GateRule.maxRegressedConversations(2)])
        #expect(settings.slices == ["file", "profile.plan"])
        let plan = try EvalRequest(baseline: "latest", gates: [.maxRegressedConversations(0)], slices: ["intent", "file"]).plan(settings: settings)
        #expect(plan.options.gates == [GateRule.maxRegressedConversations(0)])
        #expect(plan.options.slices == ["file", "profile.plan", "intent"])
        let bad = try folder.write("eval:\n  slices: [colour]\n", to: "bad.yaml")
        #expect(throws: InputError.self) { _ = try EvalSettings.load(path: bad.path) }
    }

    @Test func labelChecksFlagCategoriesThatDisagree() {
        let yaml = """
            - id: one
              turns:
                - user: "refund please"
                  expect: {intent: problem, category: account, docs: [billing/refunds]}
                - user: "hello"
                  expect: {intent: feedback}
            """
        let loaded = SuiteLoader().load(sources: [("evals/labels.yaml", yaml)])
        let warnings = LabelCheck.warnings(
            suite: loaded.suite, configured: .default, classifierIntents: ["question", "problem"],
            classifierCategories: ["billing", "account", "refunds"], documentCategories: ["billing/refunds": "billing"])
        #expect(warnings.map(\.description) == [
            #"supportkit.yaml:1:1: categories: the classifier returns category "refunds", which is not configured (account, orders, billing); add it to `categories:` in supportkit.yaml, or retrain the classifier on the configured categories"#,
            #"evals/labels.yaml:3:7: turns[0].expect.category: expected category "account", but the expected document billing/refunds is in "billing"; relabel the turn's category as billing, or move the document's front matter to account"#,
            #"evals/labels.yaml:5:7: turns[1].expect.intent: the classifier never saw intent "feedback" in training, so this turn always misses it; add training examples for feedback and run `supportkit train`, or relabel the turn"#,
        ])
    }
}
