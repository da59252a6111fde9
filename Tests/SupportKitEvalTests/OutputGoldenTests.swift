import Foundation
import Testing
import SupportKit
import SupportKitEvalTesting
import SupportKitTesting
@testable import SupportKitEval
@testable import SupportKitReport

/// One golden file per command's `--json` result (eval, eval --dry-run, runs list/show/compare/report):
/// the keys scripts rely on cannot change by accident. `SUPPORTKIT_RECORD_GOLDEN=1` re-records them.
@Suite struct OutputGoldenTests {
    func expectGolden<Value: Encodable>(_ value: Value, _ name: String) throws {
        let (actual, golden) = try GoldenFile.json(value, named: name, bundle: .module)
        #expect(actual == golden, "\(name) changed; re-record with SUPPORTKIT_RECORD_GOLDEN=1 after an intended change")
    }

    @Test func evalJSON() throws {
        let error = InputError(SourceLocation(path: "evals/bad.yaml", line: 3, column: 7), field: "expect.intent",
                               problem: "unknown intent \"refund\"", remedy: "expected one of question, problem")
        let output = EvalOutput(outcome: ReportFixtures.outcome, report: "reports/20261125-010000-abcd.html", inputErrors: [error],
                                failures: FailureReport(records: ReportFixtures.outcome.records, knowledge: ReportFixtures.outcome.run.knowledge))
        try expectGolden(output, "eval.json")
        let json = try ResultJSON.string(output)
        for key in ["\"run\":", "\"metrics\":", "\"gates\":", "\"ci_low\":", "\"ci_high\":", "\"conversation_changes\":", "\"skipped\":false"] {
            #expect(json.contains(key), "eval --json keeps \(key)")
        }
    }

    @Test func evalDryRunJSON() throws {
        let yaml = """
        - id: one
          turns:
            - user: "charged twice"
              expect: {intent: problem}
        - id: two
          turns:
            - user: "hello"
              expect: {intent: nonsense}
        """
        let loaded = SuiteLoader().load(sources: [("evals/check.yaml", yaml)])
        try expectGolden(SuiteCheckOutput(loaded), "eval-dry-run.json")
    }

    @Test func runsListShowCompareAndReportJSON() async throws {
        let store = try ResultsStore()
        try await store.importRun(ReportFixtures.baselineRun, turns: ReportFixtures.baselineRecords, metrics: [:])
        var run = ReportFixtures.run
        run.baselineRun = ReportFixtures.baselineRun.id
        let metrics = EvalMetrics.compute(records: ReportFixtures.records, bootstrap: Bootstrap(resamples: 100, seed: 42)).metrics
        try await store.importRun(run, turns: ReportFixtures.records, metrics: metrics, gates: ReportFixtures.outcome.gates)
        try expectGolden(RunListOutput(try store.recentRuns(limit: 10)), "runs-list.json")
        try expectGolden(try store.loadRun("latest").output, "runs-show.json")
        try expectGolden(try store.compare(baseline: ReportFixtures.baselineRun.id, run: run.id, resamples: 100).output, "runs-compare.json")
        // Absolute paths: relative ones resolve against the working directory, which differs between checkouts.
        let artifacts = RunArtifacts.Paths(html: URL(fileURLWithPath: "/srv/ci/reports/\(run.id).html"), junit: URL(fileURLWithPath: "/srv/ci/reports/junit.xml"))
        try expectGolden(ReportOutput(run: run.id, artifacts: artifacts), "runs-report.json")
    }
}
