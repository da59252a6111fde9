import Foundation
import SupportKit
import SupportKitEval
import SupportKitReport

/// Human output of `runs list`, `runs show` and `runs compare`, on stdout.
enum RunsConsole {
    /// One line per run; the header only on a terminal, so `runs list | wc -l` counts runs.
    static func printList(_ runs: [(info: RunInfo, metrics: [String: MetricValue])]) {
        guard !runs.isEmpty else {
            Terminal.diagnostic("no runs yet; run `supportkit eval`")
            return
        }
        let columns = [MetricName.intentAccuracy, MetricName.recall(at: 5), MetricName.escalationF1, MetricName.latencyP95]
        if Terminal.stdoutIsTerminal {
            Terminal.row("run                   started               status    convs turns suite         "
                + columns.map { $0.padding(toLength: 16, withPad: " ", startingAt: 0) }.joined())
        }
        for (run, metrics) in runs {
            var line = run.id.padding(toLength: 22, withPad: " ", startingAt: 0)
                + ReportFormat.date(run.startedAt).padding(toLength: 22, withPad: " ", startingAt: 0)
                + run.status.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
                + "\(run.conversationCount)".padding(toLength: 6, withPad: " ", startingAt: 0)
                + "\(run.turnCount)".padding(toLength: 6, withPad: " ", startingAt: 0)
                + String(run.suiteHash.prefix(12)).padding(toLength: 14, withPad: " ", startingAt: 0)
            for name in columns {
                line += ReportFormat.value(metrics[name]?.value, metric: name).padding(toLength: 16, withPad: " ", startingAt: 0)
            }
            Terminal.row(line)
        }
    }

    /// Fingerprints, every metric and the gates of one run.
    static func printRun(_ stored: StoredRun) {
        let info = stored.info
        var lines = ["run \(info.id) (\(info.status.rawValue)), started \(ReportFormat.date(info.startedAt))",
                     "suite \(info.suiteHash.prefix(12)) from \(info.suitePaths.joined(separator: " ")): \(info.conversationCount) conversations, \(info.turnCount) turns (\(stored.turns.count) recorded, \(stored.turns.filter { !$0.isMeasured }.count) unmeasured)"]
        for key in info.fingerprints.keys.sorted() { lines.append("  \(key): \(info.fingerprints[key] ?? "")") }
        if let baseline = info.baselineRun { lines.append("baseline: \(baseline)") }
        lines.append("")
        lines += EvalConsole.metricTable(stored.metrics, comparison: nil, names: MetricName.all)
        lines += EvalConsole.gateLines(stored.gates)
        if info.status == .running { lines.append("this run is incomplete; finish it with `supportkit eval ... --resume \(info.id)`") }
        Terminal.output(lines.joined(separator: "\n"))
    }

    /// The conversations that changed outcome first, then fingerprint changes and per-metric deltas.
    static func printComparison(_ stored: StoredComparison) {
        let comparison = stored.comparison
        var lines = ["\(stored.run.id) vs baseline \(stored.baseline.id): \(comparison.pairedTurns) paired turns in \(comparison.pairedConversations) conversations"]
        lines += ReportFormat.conversationChanges(comparison)
        lines += ReportFormat.grownCauses(comparison)
        let shrunk = comparison.causeChanges.filter { $0.current < $0.baseline }
        if !shrunk.isEmpty { lines.append("failure causes that shrank: " + shrunk.map(\.summary).joined(separator: ", ")) }
        lines.append("")
        for change in comparison.changes { lines.append("changed \(change)") }
        if !comparison.changes.isEmpty { lines.append("") }
        for name in MetricName.all {
            guard let delta = comparison.deltas[name] else { continue }
            let verdict = ReportFormat.verdict(delta)
            lines.append(name.padding(toLength: 24, withPad: " ", startingAt: 0)
                + ReportFormat.value(delta.baseline, metric: name).padding(toLength: 10, withPad: " ", startingAt: 0) + "-> "
                + ReportFormat.value(delta.current, metric: name).padding(toLength: 10, withPad: " ", startingAt: 0)
                + ReportFormat.delta(delta.delta, metric: name).padding(toLength: 11, withPad: " ", startingAt: 0)
                + ReportFormat.deltaInterval(delta.ciLow, delta.ciHigh, metric: name).padding(toLength: 18, withPad: " ", startingAt: 0)
                + (verdict == .unclear ? "" : verdict.rawValue))
        }
        lines.forEach(Terminal.row)
    }
}
