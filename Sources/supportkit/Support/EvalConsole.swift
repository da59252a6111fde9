import Foundation
import SupportKit
import SupportKitEval
import SupportKitReport

/// Human output of `eval` and `runs`: results on stdout, warnings on stderr.
enum EvalConsole {
    /// The suite's warnings and errors, on stderr.
    static func printProblems(_ loaded: SuiteLoadResult) {
        for warning in loaded.warnings { Terminal.diagnostic("warning: \(warning)") }
        for error in loaded.errors { Terminal.diagnostic("error: \(error)") }
    }

    /// The `--dry-run` result: what the suite holds.
    static func describe(_ loaded: SuiteLoadResult) -> String {
        let suite = loaded.suite
        return "\(suite.conversations.count) valid conversations, \(suite.turnCount) turns in \(suite.files.count) files; "
            + "\(loaded.errors.count) errors, \(loaded.warnings.count) warnings; suite \(suite.hash.prefix(12))"
    }

    /// The run, missing articles, the conversations that changed since the baseline, the headline metrics, what
    /// to fix, the failing conversations (at most `showFailing`, then a count), the gates and the files.
    static func printSummary(_ result: EvalJob.Result, showFailing: Int) {
        let outcome = result.outcome
        for warning in outcome.warnings + (outcome.comparison?.warnings ?? []) { Terminal.diagnostic("warning: \(warning)") }
        let metrics = outcome.metrics
        var lines = ["run \(outcome.run.id): \(metrics.conversations) conversations, \(metrics.turns) turns, \(metrics.measuredTurns) measured"
            + (metrics.erroredTurns + metrics.timedOutTurns > 0 ? " (\(metrics.erroredTurns) errors, \(metrics.timedOutTurns) timeouts not counted)" : "")]
        if let missing = result.output.missingArticles, !missing.ids.isEmpty {
            lines.append(ReportFormat.missingArticles(ids: missing.ids, expectations: missing.expectations))
        }
        if !result.inputErrors.isEmpty {
            lines.append("\(result.inputErrors.count) suite errors: those conversations were left out (exit 2); see the errors above")
        }
        if let comparison = outcome.comparison {
            lines += ReportFormat.conversationChanges(comparison) + ReportFormat.grownCauses(comparison) + [""]
        }
        lines.append(ReportFormat.passRate(metrics.metrics[MetricName.conversationPassRate], failing: result.failures.conversations.count))
        lines += result.failures.lines()
        lines.append("")
        lines += metricTable(metrics.metrics, comparison: outcome.comparison)
        lines.append("")
        lines += sliceLines(outcome.slices)
        lines += ReportFormat.failingConversations(result.failures, limit: showFailing)
        lines += gateLines(outcome.gates)
        lines.append("report: \(result.artifacts.html.path)")
        if let junit = result.artifacts.junit { lines.append("junit: \(junit.path)") }
        if let markdown = result.artifacts.markdown { lines.append("markdown: \(markdown.path)") }
        lines.forEach(Terminal.row)
    }

    /// One line per slice: pass rate and recall@5 with intervals, `(!)` under 30 turns.
    static func sliceLines(_ slices: [SliceMetrics]) -> [String] {
        guard !slices.isEmpty else { return [] }
        var lines = ["slices (! under \(SliceMetrics.minimumTurns) turns; every metric in --json, the report and --markdown):"]
        for slice in slices {
            let label = "\(slice.field)=\(slice.value)".padding(toLength: 30, withPad: " ", startingAt: 0)
            let parts = [MetricName.conversationPassRate, MetricName.intentAccuracy, MetricName.recall(at: 5)].map { name in
                let metric = slice.metrics[name] ?? MetricValue(value: nil, n: 0)
                return "\(name) \(ReportFormat.value(metric.value, metric: name)) \(ReportFormat.interval(metric, name: name))"
            }
            lines.append("  \(slice.isSmall ? "!" : " ") \(label) \(slice.turns) turns  " + parts.joined(separator: "  "))
        }
        return lines + [""]
    }

    /// `PASS  fail-under intent_accuracy=0.8: ...`, `SKIP` for a gate that had nothing to check against.
    static func gateLines(_ gates: [GateResult]) -> [String] {
        gates.map { "\($0.skipped ? "SKIP" : ($0.passed ? "PASS" : "FAIL"))  \($0.rule): \($0.detail)" }
    }

    /// One line per headline metric: value, interval, n, and the delta to the baseline when there is one.
    static func metricTable(_ metrics: [String: MetricValue], comparison: BaselineComparison?, names: [String] = MetricName.headline) -> [String] {
        names.map { name in
            let metric = metrics[name] ?? MetricValue(value: nil, n: 0)
            var line = name.padding(toLength: 24, withPad: " ", startingAt: 0)
                + ReportFormat.value(metric.value, metric: name).padding(toLength: 10, withPad: " ", startingAt: 0)
                + ReportFormat.interval(metric, name: name).padding(toLength: 16, withPad: " ", startingAt: 0)
                + "n=\(metric.n)".padding(toLength: 8, withPad: " ", startingAt: 0)
            if let delta = comparison?.deltas[name] {
                line += "Δ " + ReportFormat.delta(delta.delta, metric: name) + " " + ReportFormat.deltaInterval(delta.ciLow, delta.ciHigh, metric: name)
                    + (ReportFormat.verdict(delta) == .unclear ? "" : " (\(ReportFormat.verdict(delta).rawValue))")
            }
            return line
        }
    }
}
