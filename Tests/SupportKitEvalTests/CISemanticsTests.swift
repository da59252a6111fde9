import Foundation
import Testing
import SupportKit
import SupportKitEvalTesting
import SupportKitTesting
@testable import SupportKitEval
@testable import SupportKitReport

/// What CI relies on: a first run with `--baseline latest`, exit codes that JUnit agrees with, thresholds in
/// range, and per-conversation regressions.
@Suite struct CISemanticsTests {
    static func suite() -> EvalSuite {
        let yaml = """
        - id: passes
          turns:
            - user: "charged twice"
              expect: {intent: problem}
        - id: fails
          turns:
            - user: "where is it"
              expect: {intent: question}
        """
        return SuiteLoader().load(sources: [("evals/ci.yaml", yaml)]).suite
    }

    static func factory(whereIsIt intent: String = "problem") -> FakeFactory {
        FakeFactory(script: ["charged twice": .reply(makeReply(intent: "problem")), "where is it": .reply(makeReply(intent: intent))])
    }

    static let regressionGate = GateRule(metric: MetricName.intentAccuracy, kind: .maxRegression(0.02))
    static let floorGate = GateRule(metric: MetricName.intentAccuracy, kind: .failUnder(0.4))

    func run(_ store: ResultsStore, baseline: String?, factory: FakeFactory = factory()) async throws -> EvalOutcome {
        try await EvalRunner.run(
            suite: Self.suite(), factory: factory, results: store,
            options: .init(bootstrap: Bootstrap(resamples: 50), baseline: baseline, gates: [Self.floorGate, Self.regressionGate]))
    }

    @Test func latestWithoutAnEarlierRunWarnsAndSkipsRegressionGates() async throws {
        let store = try ResultsStore()
        let first = try await run(store, baseline: "latest")
        #expect(first.comparison == nil && first.baseline == nil)
        #expect(first.warnings.count == 1 && first.warnings[0].hasPrefix("no baseline yet"))
        #expect(first.gates.map(\.skipped) == [false, true])
        #expect(first.gates[1].passed && first.gates[1].detail.hasPrefix("skipped: no baseline yet"))
        #expect(EvalExitCode.forRun(gatesPassed: first.passedGates, hadInputErrors: false) == 0)
        // The skipped gate is stored as skipped, so `runs show` and re-rendered reports say so.
        #expect(try store.gates(runId: first.run.id).map(\.skipped) == [false, true])

        let second = try await run(store, baseline: "latest")
        #expect(second.baseline?.id == first.run.id)
        #expect(second.warnings.isEmpty && second.gates.allSatisfy { !$0.skipped })
    }

    @Test func aNamedBaselineThatDoesNotExistStaysAnError() async throws {
        let store = try ResultsStore()
        await #expect(throws: SupportKitError.self) { _ = try await run(store, baseline: "20990101-000000-zzzz") }
        #expect(throws: SupportKitError.self) { _ = try store.resolveBaseline("nope") }
        #expect(try store.resolveBaseline("latest") == nil)
    }

    @Test func junitFailuresAreExactlyTheFailedGates() throws {
        // Two conversations miss expectations, one gate fails: one failure, and the conversations are reported.
        let xml = JUnitReport.render(ReportFixtures.input())
        #expect(xml.contains("tests=\"4\" failures=\"1\" errors=\"0\" skipped=\"1\""))
        #expect(!xml.contains("ExpectationNotMet"))
        #expect(xml.contains("<system-out>1 of 2 turns missed an expectation:"))
        // Every gate passes (exit 0): no failure at all, whatever the conversations did.
        let passing = JUnitReport.render(ReportFixtures.input(gates: [GateResult(rule: "fail-under recall@5=0.5", passed: true, detail: "ok")]))
        #expect(passing.contains("failures=\"0\""))
        // A skipped regression gate is skipped, not failed.
        let skipped = JUnitReport.render(ReportFixtures.input(gates: [
            GateResult(rule: "max-regression intent_accuracy=0.02", passed: true, detail: "skipped: no baseline yet", skipped: true),
        ]))
        #expect(skipped.contains("failures=\"0\"") && skipped.contains("<skipped message=\"skipped: no baseline yet\"/>"))
    }

    @Test func junitNamesConversationsThatChangedSinceTheBaseline() {
        var input = ReportFixtures.input(gates: [])
        input.comparison = ReportFixtures.comparison
        let xml = JUnitReport.render(input)
        #expect(xml.contains("<system-out>regressed since baseline 20261124-010000-0001: passed there, fails now"))
        #expect(xml.contains("<system-out>fixed since baseline 20261124-010000-0001: failed there, passes now"))
        #expect(xml.contains("failures=\"0\""))
    }

    @Test func rateThresholdsOutsideZeroToOneAreRefusedWithTheReason() throws {
        do {
            _ = try GateRule.parse("intent_accuracy=90", flag: "--fail-under")
            Issue.record("90 is not a rate")
        } catch {
            #expect(error.message == "--fail-under intent_accuracy=90: intent_accuracy is a rate from 0 to 1, so 90 could never be met or never fail; write 0.9 for 90%")
        }
        #expect(throws: SupportKitError.self) { try GateRule.parse("recall@5=1.5", flag: "--max-regression") }
        #expect(throws: SupportKitError.self) { try GateRule.parse("recall@5=-0.1", flag: "--fail-under") }
        #expect(try GateRule.parse("latency_p95_ms=250", flag: "--fail-under").rangeProblem == nil)
        #expect(try GateRule.parse("intent_accuracy=1", flag: "--fail-under").rangeProblem == nil)
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let file = try folder.write("eval:\n  fail_under: {intent_accuracy: 85}\n", to: "supportkit.yaml")
        do {
            _ = try EvalSettings.load(path: file.path)
            Issue.record("a file threshold of 85 is not a rate")
        } catch {
            #expect(error.description.hasPrefix("\(file.path):2:33: eval.fail_under.intent_accuracy: intent_accuracy is a rate from 0 to 1"))
        }
    }

    @Test func conversationsThatWentFromPassToFailAndBack() {
        let changes = ReportFixtures.comparison.conversationChanges
        #expect(changes.map(\.conversation) == ["orders-2", "billing-1"])
        #expect(changes.map(\.direction) == [.regressed, .fixed])
        #expect(changes[0].turns.map(\.index) == [0])
        #expect(changes[0].turns[0].expectations == ["docs: none of [orders/shipping] in top 5 [orders/returns]", "escalate: expected false, got true"])
        #expect(changes[1].turns[0].expectations == ["intent: expected escalate, got question", "escalate: expected true, got false"])
        #expect(changes[0].summary == "orders-2 now fails: turn 1 \"Where is my parcel?\": docs: none of [orders/shipping] in top 5 [orders/returns]; escalate: expected false, got true")
    }

    @Test func changedSinceBaselineComesFirstInEverySummary() {
        var input = ReportFixtures.input()
        input.comparison = ReportFixtures.comparison
        let md = MarkdownSummary.render(input)
        let changed = md.range(of: "### Changed since baseline `20261124-010000-0001`")
        let gates = md.range(of: "gates failed")
        #expect(changed != nil && gates != nil && changed!.lowerBound < gates!.lowerBound)
        #expect(md.contains("**1 pass → fail**\n\n- `orders-2` turn 1 \"Where is my parcel?\": docs: none of [orders/shipping]"))
        let html = HTMLReport(input).render()
        let section = html.range(of: "<section id=\"changed\"")
        let banner = html.range(of: "Gates failed")
        #expect(section != nil && banner != nil && section!.lowerBound < banner!.lowerBound)
        #expect(html.contains("<a href=\"#conv-2\"><strong>orders-2</strong></a>"))
        let text = ReportFormat.conversationChanges(ReportFixtures.comparison)
        #expect(text.first == "changed since baseline 20261124-010000-0001: 1 pass -> fail, 1 fail -> pass")
        #expect(text.dropFirst().first?.hasPrefix("  FAIL  orders-2 now fails: turn 1") == true)
    }
}
