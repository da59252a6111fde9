import Foundation
import SupportKitEval

/// A run as Markdown, for a pull-request comment or `$GITHUB_STEP_SUMMARY`.
public enum MarkdownSummary {
    /// The summary: gates, headline metrics with intervals and deltas, warnings, and the worst conversations.
    public static func render(_ input: ReportInput, maxFailures: Int = 10) -> String {
        let metrics = input.metrics
        var md = "## supportkit eval · run `\(input.run.id)`\n\n"
        md += changedSinceBaseline(input.comparison, limit: maxFailures)
        if !input.gates.isEmpty {
            let failed = input.gates.filter { !$0.passed }
            md += failed.isEmpty ? "**✅ All \(input.gates.count) gates passed.**\n\n" : "**❌ \(failed.count) of \(input.gates.count) gates failed.**\n\n"
            for gate in input.gates { md += "- \(gate.skipped ? "⏭️" : (gate.passed ? "✅" : "❌")) `\(cell(gate.rule))`: \(cell(gate.detail))\n" }
            md += "\n"
        }
        md += "\(metrics.conversations) conversations, \(metrics.turns) turns (\(metrics.measuredTurns) measured"
        if metrics.erroredTurns + metrics.timedOutTurns > 0 {
            md += "; \(metrics.erroredTurns) errors and \(metrics.timedOutTurns) timeouts not counted"
        }
        md += ").\n\n"
        let comparison = input.comparison
        md += "| Metric | Value | 95% CI | n |" + (comparison != nil ? " Δ vs `\(comparison?.baselineRun ?? "")` | Δ 95% CI |" : "") + "\n"
        md += "| --- | ---: | ---: | ---: |" + (comparison != nil ? " ---: | ---: |" : "") + "\n"
        for name in MetricName.headline {
            let metric = metrics.metrics[name] ?? MetricValue(value: nil, n: 0)
            md += "| \(name) | \(ReportFormat.value(metric.value, metric: name)) | \(ReportFormat.interval(metric, name: name)) | \(metric.n) |"
            if let delta = comparison?.deltas[name] {
                let mark = switch ReportFormat.verdict(delta) {
                case .better: " 🟢"
                case .worse: " 🔴"
                case .unclear: ""
                }
                md += " \(ReportFormat.delta(delta.delta, metric: name))\(mark) | \(ReportFormat.deltaInterval(delta.ciLow, delta.ciHigh, metric: name)) |"
            } else if comparison != nil {
                md += " — | |"
            }
            md += "\n"
        }
        for warning in comparison?.warnings ?? [] { md += "\n> ⚠️ \(warning)\n" }
        let failing = Dictionary(grouping: input.records.filter { !$0.unmetExpectations.isEmpty }, by: \.conversationId)
        if !failing.isEmpty {
            var seen = Set<String>()
            let order = input.records.map(\.conversationId).filter { failing[$0] != nil && seen.insert($0).inserted }
            md += "\n<details><summary>\(failing.count) conversations with failing turns</summary>\n\n"
            for id in order.prefix(maxFailures) {
                for turn in failing[id] ?? [] {
                    md += "- `\(cell(id))` turn \(turn.turnIndex + 1): \(cell(turn.unmetExpectations.joined(separator: "; ")))\n"
                }
            }
            if order.count > maxFailures { md += "- … and \(order.count - maxFailures) more conversations\n" }
            md += "\n</details>\n"
        }
        return md
    }

    /// The "changed since baseline" block: conversations that went from pass to fail, then back.
    private static func changedSinceBaseline(_ comparison: BaselineComparison?, limit: Int) -> String {
        guard let comparison else { return "" }
        var md = "### Changed since baseline `\(comparison.baselineRun)`\n\n"
        guard !comparison.conversationChanges.isEmpty else {
            return md + "No conversation changed outcome (\(comparison.pairedConversations) compared).\n\n"
        }
        for (title, changes) in [("pass → fail", comparison.regressedConversations), ("fail → pass", comparison.fixedConversations)] where !changes.isEmpty {
            md += "**\(changes.count) \(title)**\n\n"
            for change in changes.prefix(limit) {
                let turns = change.turns.map { "turn \($0.index + 1) \"\(cell($0.user))\": \(cell($0.expectations.joined(separator: "; ")))" }
                md += "- `\(cell(change.conversation))` " + turns.joined(separator: " · ") + "\n"
            }
            if changes.count > limit { md += "- … and \(changes.count - limit) more\n" }
            md += "\n"
        }
        return md
    }

    /// Text from conversations kept from breaking the table or injecting markup.
    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "`", with: "'")
    }
}
