import Foundation
import SupportKit
import SupportKitEval

extension HTMLReport {
    /// Conversation ids in suite order (from the stored conversation list, then any others in turn order); anchors
    /// are numbered in this order, so a link stays the same whatever failed.
    static func conversationOrder(_ input: ReportInput) -> [String] {
        var seen = Set<String>()
        let listed = input.conversations.map(\.conversationId)
        return (listed + input.records.map(\.conversationId)).filter { seen.insert($0).inserted }
    }

    /// The drill-down's order: failing conversations first, most broken expectations first, then the others in
    /// suite order.
    static func displayOrder(_ input: ReportInput, suiteOrder: [String]) -> [String] {
        var seen = Set<String>()
        return (input.failures.conversations.map(\.id) + suiteOrder).filter { seen.insert($0).inserted }
    }

    func intentSection() -> String {
        let report = input.metrics.intent
        guard !report.labels.isEmpty else {
            return "<section><h2>Intent routing</h2><p class=\"muted\">No measured turn is labeled with an intent.</p></section>"
        }
        var html = "<section><h2>Intent routing</h2><div class=\"two\"><div><h3>Confusion matrix</h3>"
        html += confusionMatrix(report, kind: "intent") { record, prediction in
            record.expected.intent.map { ($0, prediction.intent) }
        }
        html += "</div><div><h3>Per intent</h3>" + classTable(report, noun: "Intent") + calibrationTable() + "</div></div></section>"
        return html
    }

    func categorySection() -> String {
        let report = input.metrics.category
        guard !report.labels.isEmpty else {
            return "<section><h2>Categories</h2><p class=\"muted\">No measured turn is labeled with a category.</p></section>"
        }
        var html = "<section><h2>Categories</h2><div class=\"two\"><div><h3>Confusion matrix</h3>"
        html += confusionMatrix(report, kind: "category") { record, prediction in
            record.expected.category.map { ($0, prediction.category ?? "(none)") }
        }
        return html + "</div><div><h3>Per category</h3>" + classTable(report, noun: "Category") + "</div></div></section>"
    }

    /// A heat-shaded matrix whose non-empty cells link to a list of their turns (shown with CSS `:target`,
    /// so it works without script).
    private func confusionMatrix(
        _ report: ClassReport, kind: String, pair: (TurnRecord, Prediction) -> (String, String)?
    ) -> String {
        let index = Dictionary(report.labels.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var cases = [[[TurnRecord]]](repeating: [[TurnRecord]](repeating: [], count: report.labels.count), count: report.labels.count)
        for record in input.records where record.isMeasured {
            guard let prediction = record.prediction, let (expected, predicted) = pair(record, prediction),
                  let e = index[expected], let p = index[predicted] else { continue }
            cases[e][p].append(record)
        }
        let largest = max(1, report.matrix.flatMap { $0 }.max() ?? 1)
        var html = "<div class=\"scroll\"><table class=\"matrix\"><thead><tr><th class=\"corner\">expected ↓ predicted →</th>"
        for label in report.labels { html += "<th>\(label.htmlEscaped)</th>" }
        html += "</tr></thead><tbody>"
        var lists = ""
        for (e, row) in report.matrix.enumerated() {
            html += "<tr><th>\(report.labels[e].htmlEscaped)</th>"
            for (p, count) in row.enumerated() {
                let strength = Double(count) / Double(largest)
                let tone = e == p ? "ok" : "bad"
                let style = count > 0 ? " style=\"--s:\(String(format: "%.2f", 0.12 + 0.78 * strength))\"" : ""
                if count > 0 {
                    let anchor = "cases-\(kind)-\(e)-\(p)"
                    html += "<td class=\"cell \(tone)\"\(style)><a href=\"#\(anchor)\" title=\"show these turns\">\(count)</a></td>"
                    lists += "<div class=\"cases\" id=\"\(anchor)\"><div class=\"cases-head\"><strong>expected \(report.labels[e].htmlEscaped), predicted \(report.labels[p].htmlEscaped)</strong> · \(count) turns <a class=\"close\" href=\"#_\">close</a></div><ul>"
                    for record in cases[e][p] { lists += caseItem(record) }
                    lists += "</ul></div>"
                } else {
                    html += "<td class=\"cell empty\">·</td>"
                }
            }
            html += "</tr>"
        }
        return html + "</tbody></table></div>" + lists
    }

    func caseItem(_ record: TurnRecord) -> String {
        let anchor = conversationAnchors[record.conversationId] ?? "conv"
        let confidence = record.prediction.map { " · " + ReportFormat.fixed($0.confidence, digits: 2) } ?? ""
        return "<li><a href=\"#\(anchor)-t\(record.turnIndex)\">\(record.conversationId.htmlEscaped) · turn \(record.turnIndex + 1)</a>\(confidence) — \(record.user.htmlEscaped)</li>"
    }

    private func classTable(_ report: ClassReport, noun: String) -> String {
        var html = "<table class=\"grid\"><thead><tr><th>\(noun)</th><th>Support</th><th>Predicted</th><th>Precision</th><th>Recall</th><th>F1</th></tr></thead><tbody>"
        for row in report.rows {
            html += "<tr><td>\(row.label.htmlEscaped)</td><td class=\"num\">\(row.support)</td><td class=\"num\">\(row.predicted)</td>"
            html += "<td class=\"num\">\(ReportFormat.ratio(row.precision))</td><td class=\"num\">\(ReportFormat.ratio(row.recall))</td><td class=\"num\">\(meter(row.f1))</td></tr>"
        }
        return html + "</tbody></table><p class=\"muted small\">Precision is undefined (—) for a label never predicted; macro-F1 averages F1 over labels that were expected.</p>"
    }

    private func meter(_ value: Double?) -> String {
        guard let value else { return "—" }
        return "<span class=\"meter\"><span style=\"width:\(String(format: "%.0f", value * 100))%\"></span></span> \(String(format: "%.2f", value))"
    }

    private func calibrationTable() -> String {
        let bins = input.metrics.reliability.filter { $0.count > 0 }
        guard !bins.isEmpty else { return "" }
        let ece = input.metrics.metrics[MetricName.intentECE]
        var html = "<h3>Calibration</h3><p class=\"muted small\">Expected calibration error \(ReportFormat.ratio(ece?.value)) \(ece.flatMap { e in e.ciLow.flatMap { low in e.ciHigh.map { String(format: "[%.2f, %.2f]", low, $0) } } } ?? "") over 10 equal-width confidence bins.</p>"
        html += "<table class=\"grid\"><thead><tr><th>Confidence</th><th>Turns</th><th>Mean confidence</th><th>Accuracy</th><th>Gap</th></tr></thead><tbody>"
        for bin in bins {
            let gap = (bin.accuracy ?? 0) - (bin.meanConfidence ?? 0)
            html += "<tr><td>\(String(format: "%.1f–%.1f", bin.lower, bin.upper))</td><td class=\"num\">\(bin.count)</td><td class=\"num\">\(ReportFormat.ratio(bin.meanConfidence))</td><td class=\"num\">\(ReportFormat.ratio(bin.accuracy))</td><td class=\"num \(abs(gap) > 0.1 ? "warn-text" : "")\">\(String(format: "%+.2f", gap))</td></tr>"
        }
        return html + "</tbody></table>"
    }

    func retrievalSection() -> String {
        let curve = input.metrics.recallCurve
        guard !curve.isEmpty else {
            return "<section><h2>Retrieval</h2><p class=\"muted\">No measured turn is labeled with docs.</p></section>"
        }
        let series = [
            SVGChart.Series(name: "recall@k", color: "#8250df", values: curve.map(\.recall)),
            SVGChart.Series(name: "hit@k", color: "#0969da", values: curve.map(\.hit)),
        ]
        var html = "<section><h2>Retrieval</h2><div class=\"two\"><div class=\"card chart-card\"><h3>recall@k and hit@k</h3>"
        html += SVGChart.lines(series, xLabels: curve.map { "k=\($0.k)" }, title: "recall at k") + "</div><div>"
        html += "<table class=\"grid\"><thead><tr><th>k</th><th>Recall</th><th>Hit</th><th>MRR</th><th>nDCG</th></tr></thead><tbody>"
        for k in MetricName.retrievalCutoffs {
            html += "<tr><td>\(k)</td>"
            for name in [MetricName.recall(at: k), MetricName.hit(at: k), MetricName.mrr(at: k), MetricName.ndcg(at: k)] {
                let metric = input.metrics.metrics[name] ?? MetricValue(value: nil, n: 0)
                html += "<td class=\"num\">\(ReportFormat.value(metric.value, metric: name)) <span class=\"n\">\(ReportFormat.interval(metric, name: name))</span></td>"
            }
            html += "</tr>"
        }
        let n = input.metrics.metrics[MetricName.recall(at: 5)]?.n ?? 0
        html += "</tbody></table><p class=\"muted small\">Over \(n) turns labeled with docs; documents rank by their best chunk, gains are binary.</p>"
        let misses = input.records.filter { record in
            guard record.isMeasured, let docs = record.expected.docs, !docs.isEmpty, let prediction = record.prediction else { return false }
            return !prediction.rankedDocIds.prefix(5).contains(where: docs.contains)
        }
        if !misses.isEmpty {
            html += "<details><summary>\(misses.count) turns with no relevant document in the top 5</summary><ul class=\"case-list\">"
            for record in misses.prefix(200) { html += caseItem(record) }
            html += "</ul></details>"
        }
        return html + "</div></div></section>"
    }

    func escalationSection() -> String {
        let counts = input.metrics.escalationTurns
        let outcomes = input.metrics.escalationOutcomes
        guard counts.truePositives + counts.falsePositives + counts.falseNegatives + counts.trueNegatives > 0 else {
            return "<section><h2>Escalation</h2><p class=\"muted\">No measured turn is labeled with escalate.</p></section>"
        }
        var html = "<section><h2>Escalation</h2><div class=\"two\"><div><h3>Per turn</h3><table class=\"grid confusion2\"><thead><tr><th></th><th>escalated</th><th>not escalated</th></tr></thead><tbody>"
        html += "<tr><th>should escalate</th><td class=\"num good\">\(counts.truePositives)</td><td class=\"num badc\">\(counts.falseNegatives)</td></tr>"
        html += "<tr><th>should not</th><td class=\"num badc\">\(counts.falsePositives)</td><td class=\"num good\">\(counts.trueNegatives)</td></tr></tbody></table><p>"
        for name in [MetricName.escalationPrecision, MetricName.escalationRecall, MetricName.escalationF1] {
            let metric = input.metrics.metrics[name] ?? MetricValue(value: nil, n: 0)
            html += "<span class=\"pill\">\(Self.title(of: name).htmlEscaped) <strong>\(ReportFormat.value(metric.value, metric: name))</strong> \(ReportFormat.interval(metric, name: name))</span> "
        }
        html += "</p></div><div><h3>Per conversation</h3>"
        if outcomes.isEmpty {
            html += "<p class=\"muted\">No conversation has an escalate label.</p>"
        } else {
            let total = Double(outcomes.count)
            html += "<div class=\"stack\">"
            for outcome in EscalationOutcome.allCases {
                let count = outcomes.filter { $0.outcome == outcome }.count
                guard count > 0 else { continue }
                html += "<span class=\"seg \(outcome.rawValue)\" style=\"flex:\(count)\" title=\"\(Self.outcomeTitle(outcome)): \(count)\">\(count)</span>"
            }
            html += "</div><table class=\"grid\"><thead><tr><th>Outcome</th><th>Conversations</th><th>Share</th></tr></thead><tbody>"
            for outcome in EscalationOutcome.allCases {
                let list = outcomes.filter { $0.outcome == outcome }
                guard !list.isEmpty else { continue }
                html += "<tr><td><span class=\"dot \(outcome.rawValue)\"></span>\(Self.outcomeTitle(outcome))</td><td class=\"num\">\(list.count)</td><td class=\"num\">\(ReportFormat.percent(Double(list.count) / total))</td></tr>"
            }
            html += "</tbody></table>"
            let wrong = outcomes.filter { !$0.outcome.isCorrect }
            if !wrong.isEmpty {
                html += "<details><summary>\(wrong.count) conversations escalated wrongly or could not be measured</summary><ul class=\"case-list\">"
                for item in wrong {
                    let anchor = conversationAnchors[item.conversationId] ?? "conv"
                    let expected = item.expectedTurn.map { "expected at turn \($0 + 1)" } ?? "no escalation expected"
                    let actual = item.escalatedTurn.map { "escalated at turn \($0 + 1)" } ?? "never escalated"
                    html += "<li><a href=\"#\(anchor)\">\(item.conversationId.htmlEscaped)</a> — \(Self.outcomeTitle(item.outcome)): \(expected), \(actual)</li>"
                }
                html += "</ul></details>"
            }
        }
        return html + "</div></div></section>"
    }

    static func outcomeTitle(_ outcome: EscalationOutcome) -> String {
        switch outcome {
        case .onTime: "on time"
        case .early: "too early"
        case .late: "too late"
        case .missed: "missed"
        case .falseAlarm: "false alarm"
        case .quiet: "correctly not escalated"
        case .unmeasured: "unmeasured"
        }
    }

    func latencySection() -> String {
        let values = input.records.filter(\.isMeasured).map(\.latencyMs)
        var html = "<section><h2>Latency</h2><div class=\"two\"><div class=\"card chart-card\"><h3>End-to-end latency per turn (log scale)</h3>"
        html += SVGChart.histogram(values, title: "latency histogram") + "</div><div>"
        html += "<table class=\"grid\"><thead><tr><th>Stage</th><th>p50</th><th>p95</th><th>p99</th><th>Mean</th><th>n</th></tr></thead><tbody>"
        for row in input.metrics.latency {
            html += "<tr><td>\(row.stage.htmlEscaped)</td>"
            for value in [row.p50, row.p95, row.p99, row.mean] {
                html += "<td class=\"num\">\(value.map(ReportFormat.milliseconds) ?? "—")</td>"
            }
            html += "<td class=\"num\">\(row.n)</td></tr>"
        }
        return html + "</tbody></table><p class=\"muted small\">total is the wall-clock time the runner waited for each reply; stages are what the assistant reported. Percentiles are nearest-rank.</p></div></div></section>"
    }
}
