import Foundation
import SupportKit
import SupportKitEval

/// A run as Markdown, for a pull-request comment or `$GITHUB_STEP_SUMMARY`.
public enum MarkdownSummary {
    /// The summary: suite errors, gates, changes since the baseline, headline metrics (conversation pass rate
    /// first) with intervals and deltas, what to fix, and every failing conversation linked to its suite line.
    ///
    /// - Parameters:
    ///   - input: the run.
    ///   - maxFailures: how many changed conversations, and turns per cause, are listed.
    public static func render(_ input: ReportInput, maxFailures: Int = 10) -> String {
        let metrics = input.metrics
        var md = "## supportkit eval · run `\(input.run.id)`\n\n"
        if !input.inputErrors.isEmpty {
            md += "**❌ \(input.inputErrors.count) suite error\(input.inputErrors.count == 1 ? "" : "s"): those conversations were left out and the run exits 2.**\n\n"
            for error in input.inputErrors.prefix(50) { md += "- `\(cell(error.description))`\n" }
            if input.inputErrors.count > 50 { md += "- … and \(input.inputErrors.count - 50) more\n" }
            md += "\n"
        }
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
        if let knowledge = input.run.knowledge, !knowledge.missingDocIds.isEmpty {
            let missing = MissingArticlesOutput(knowledge: knowledge, records: input.records)
            md += "> ⚠️ \(cell(ReportFormat.missingArticles(ids: missing.ids, expectations: missing.expectations))).\n\n"
        }
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
                case .unclear: (delta.delta ?? 0) * (MetricName.isLowerBetter(name) ? -1 : 1) < 0 ? " 🟠" : ""
                }
                md += " \(ReportFormat.delta(delta.delta, metric: name))\(mark) | \(ReportFormat.deltaInterval(delta.ciLow, delta.ciHigh, metric: name)) |"
            } else if comparison != nil {
                md += " — | |"
            }
            md += "\n"
        }
        if comparison != nil { md += "\n🔴 worse and 🟢 better with an interval excluding 0; 🟠 worse, interval includes 0.\n" }
        for warning in comparison?.warnings ?? [] { md += "\n> ⚠️ \(warning)\n" }
        md += whatToFix(input.failures, limit: maxFailures)
        md += slices(input.slices)
        md += failingConversations(input)
        return md
    }

    /// "What to fix": causes by count, with their turns, and for articles the questions per article.
    private static func whatToFix(_ failures: FailureReport, limit: Int) -> String {
        guard failures.turnCount > 0 else { return "" }
        var md = "\n### What to fix\n\n\(failures.turnCount) failing turns, each counted at the first stage that broke.\n\n"
        md += "| Cause | Turns | Meaning |\n| --- | ---: | --- |\n"
        for group in failures.groups {
            md += "| `\(group.cause.rawValue)` | \(group.turns.count) | \(group.cause.explanation) |\n"
        }
        for group in failures.groups.sorted(by: { $0.cause < $1.cause }) where !group.topics.isEmpty {
            md += "\n**`\(group.cause.rawValue)`: customer questions by expected article**\n\n"
            for topic in group.topics.prefix(limit) {
                let questions = topic.turns.prefix(5).map { "“\(cell($0.user))”" }.joined(separator: ", ")
                md += "- `\(cell(topic.article))` (\(topic.turns.count)\(topic.alsoNote)): \(questions)\(topic.turns.count > 5 ? ", …" : "")\n"
            }
            if group.topics.count > limit { md += "- … and \(group.topics.count - limit) more articles\n" }
        }
        return md
    }

    /// Headline metrics per slice, with intervals; ⚠️ under `SliceMetrics.minimumTurns` turns.
    private static func slices(_ slices: [SliceMetrics]) -> String {
        guard !slices.isEmpty else { return "" }
        let names = [MetricName.conversationPassRate, MetricName.intentAccuracy, MetricName.categoryAccuracy,
                     MetricName.recall(at: 5), MetricName.escalationF1]
        var md = "\n### Slices\n\n⚠️ marks slices under \(SliceMetrics.minimumTurns) turns.\n"
        var fields: [String] = []
        for slice in slices where !fields.contains(slice.field) { fields.append(slice.field) }
        for field in fields {
            md += "\n| \(cell(field)) | turns | " + names.joined(separator: " | ") + " |\n| --- | ---: |" + String(repeating: " ---: |", count: names.count) + "\n"
            for slice in slices where slice.field == field {
                md += "| \(slice.isSmall ? "⚠️ " : "")\(cell(slice.value)) | \(slice.turns) |"
                for name in names {
                    let metric = slice.metrics[name] ?? MetricValue(value: nil, n: 0)
                    md += " \(ReportFormat.value(metric.value, metric: name)) \(ReportFormat.interval(metric, name: name)) |"
                }
                md += "\n"
            }
        }
        return md
    }

    /// Every failing conversation, most broken expectations first, linked to its line in the suite file.
    private static func failingConversations(_ input: ReportInput) -> String {
        let list = input.failures.conversations
        guard !list.isEmpty else { return "" }
        let locations = Dictionary(input.conversations.compactMap { info in info.location.map { (info.conversationId, $0) } },
                                   uniquingKeysWith: { first, _ in first })
        var md = "\n<details><summary>\(list.count) failing conversations, most broken expectations first</summary>\n\n"
        for conversation in list {
            let name = cell(conversation.id)
            let link = locations[conversation.id].map { "[`\(name)`](\(linkPath($0.path))#L\($0.line))" } ?? "`\(name)`"
            let turns = conversation.turns.map { "turn \($0.index + 1): \(cell($0.expectations.joined(separator: "; ")))" }
            md += "- \(link) (\(conversation.brokenExpectations) broken) " + turns.joined(separator: " · ") + "\n"
        }
        return md + "\n</details>\n"
    }

    /// A suite path as a Markdown link target (spaces and parentheses escaped).
    private static func linkPath(_ path: String) -> String {
        path.replacingOccurrences(of: " ", with: "%20").replacingOccurrences(of: "(", with: "%28").replacingOccurrences(of: ")", with: "%29")
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
