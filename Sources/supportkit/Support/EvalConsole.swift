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

    /// The run, the conversations that changed since the baseline, the headline metrics, the gates and the files.
    static func printSummary(_ outcome: EvalOutcome, report: RunArtifacts.Paths) {
        for warning in outcome.warnings + (outcome.comparison?.warnings ?? []) { Terminal.diagnostic("warning: \(warning)") }
        let metrics = outcome.metrics
        var lines = ["run \(outcome.run.id): \(metrics.conversations) conversations, \(metrics.turns) turns, \(metrics.measuredTurns) measured"
            + (metrics.erroredTurns + metrics.timedOutTurns > 0 ? " (\(metrics.erroredTurns) errors, \(metrics.timedOutTurns) timeouts not counted)" : "")]
        if let comparison = outcome.comparison { lines += ReportFormat.conversationChanges(comparison) + [""] }
        lines += metricTable(metrics.metrics, comparison: outcome.comparison)
        lines += gateLines(outcome.gates)
        lines.append("report: \(report.html.path)")
        if let junit = report.junit { lines.append("junit: \(junit.path)") }
        if let markdown = report.markdown { lines.append("markdown: \(markdown.path)") }
        lines.forEach(Terminal.row)
    }

    /// `PASS  fail-under intent_accuracy=0.8: ...`, `SKIP` for a gate that had nothing to check against.
    static func gateLines(_ gates: [GateResult]) -> [String] {
        gates.map { "\($0.skipped ? "SKIP" : ($0.passed ? "PASS" : "FAIL"))  \($0.rule): \($0.detail)" }
    }

    /// One line per headline metric: value, interval, n, and the delta to the baseline when there is one.
    static func metricTable(_ metrics: [String: MetricValue], comparison: BaselineComparison?, names: [String] = MetricName.headline) -> [String] {
        names.map { name in
            let metric = metrics[name] ?? MetricValue(value: nil, n: 0)
            var line = name.padding(toLength: 22, withPad: " ", startingAt: 0)
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
