import Foundation
import SupportKit
import SupportKitEval

extension HTMLReport {
    /// Suite problems that left conversations out: the run exits 2, and the page says so first.
    func suiteErrors() -> String {
        guard !input.inputErrors.isEmpty else { return "" }
        var html = "<section class=\"banner fail\"><strong>\(input.inputErrors.count) suite error\(input.inputErrors.count == 1 ? "" : "s"): "
            + "those conversations were left out (exit 2)</strong><ul>"
        for error in input.inputErrors.prefix(100) { html += "<li><code>\(error.description.htmlEscaped)</code></li>" }
        if input.inputErrors.count > 100 { html += "<li>… and \(input.inputErrors.count - 100) more</li>" }
        return html + "</ul></section>"
    }

    /// "What to fix": the conversation pass rate, then each cause of failing turns by count with its turns, and
    /// for missing or low-ranked articles the customer questions grouped by the article they expected.
    func whatToFix() -> String {
        let failures = input.failures
        let pass = input.metrics.metrics[MetricName.conversationPassRate] ?? MetricValue(value: nil, n: 0)
        let name = MetricName.conversationPassRate
        var html = "<section id=\"what-to-fix\" class=\"fix\"><h2>What to fix</h2><p class=\"lead\"><strong>"
        html += "\(ReportFormat.value(pass.value, metric: name).htmlEscaped)</strong> of \(pass.n) conversations pass "
        html += "<span class=\"muted\">\(ReportFormat.interval(pass, name: name).htmlEscaped)</span>"
        if let delta = input.comparison?.deltas[name] {
            html += " " + deltaSpan(delta, name: name)
        }
        html += "</p>"
        if let knowledge = input.run.knowledge, !knowledge.missingDocIds.isEmpty {
            let missing = MissingArticlesOutput(knowledge: knowledge, records: input.records)
            html += "<p class=\"banner warn\">\(ReportFormat.missingArticles(ids: missing.ids, expectations: missing.expectations).htmlEscaped).</p>"
        }
        guard failures.turnCount > 0 else { return html + "<p>Every measured turn met its expectations.</p></section>" }
        html += "<p class=\"muted\">\(failures.turnCount) failing turns, each counted once, at the first stage of the assistant that broke.</p>"
        html += "<table class=\"grid causes\"><thead><tr><th>Cause</th><th>Turns</th><th>Meaning</th><th>Turns affected</th></tr></thead><tbody>"
        let largest = max(1, failures.groups.first?.turns.count ?? 1)
        for group in failures.groups {
            html += "<tr><td><code>\(group.cause.rawValue)</code></td><td class=\"num\">\(group.turns.count) "
            html += "<span class=\"meter bad\"><span style=\"width:\(group.turns.count * 100 / largest)%\"></span></span></td>"
            html += "<td>\(group.cause.explanation.htmlEscaped)</td><td><details><summary>\(group.turns.count) turns</summary><ul class=\"case-list\">"
            for turn in group.turns.prefix(200) { html += turnLink(turn) }
            html += "</ul></details></td></tr>"
        }
        html += "</tbody></table>"
        // The articles to write before the articles to fix: a missing article is the surest fix.
        for group in failures.groups.sorted(by: { $0.cause < $1.cause }) where !group.topics.isEmpty {
            let heading = group.cause == .kbGap ? "Articles to write (expected, not in the knowledge base)" : "Articles to fix (present, ranked below the top 5)"
            html += "<h3>\(heading)</h3><ul class=\"topics\">"
            for topic in group.topics.prefix(50) {
                html += "<li><code>\(topic.article.htmlEscaped)</code> <span class=\"muted\">\(topic.turns.count) question\(topic.turns.count == 1 ? "" : "s")\(topic.alsoNote)</span><ul>"
                for turn in topic.turns.prefix(10) { html += turnLink(turn) }
                html += "</ul></li>"
            }
            html += "</ul>"
        }
        return html + "</section>"
    }

    /// A failing turn as a link to its drill-down, with the customer's words.
    private func turnLink(_ turn: FailureReport.Turn) -> String {
        let anchor = conversationAnchors[turn.conversation] ?? "conv"
        return "<li><a href=\"#\(anchor)-t\(turn.index)\">\(turn.conversation.htmlEscaped) · turn \(turn.index + 1)</a> — <q>\(turn.user.htmlEscaped)</q></li>"
    }

    /// A delta coloured by its direction: red for worse, green for better, solid when the interval excludes 0.
    func deltaSpan(_ delta: MetricDelta, name: String) -> String {
        "<span class=\"delta \(ReportFormat.deltaClass(delta))\">\(ReportFormat.delta(delta.delta, metric: name).htmlEscaped) "
            + "<span>\(ReportFormat.deltaInterval(delta.ciLow, delta.ciHigh, metric: name).htmlEscaped)</span></span>"
    }
}
