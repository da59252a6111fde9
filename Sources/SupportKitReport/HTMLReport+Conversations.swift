import Foundation
import SupportKit
import SupportKitEval

extension HTMLReport {
    /// Retrieved chunks listed per turn: the top 5 decide hit@5 and the turn's pass or fail; the rest are
    /// in the database, and listing them would double the page for large suites.
    static let chunksShown = 5

    /// The drill-down: every conversation with every turn, expected against predicted.
    func conversationsSection() -> String {
        let byConversation = Dictionary(grouping: input.records, by: \.conversationId)
        let locations = Dictionary(input.conversations.map { ($0.conversationId, $0) }, uniquingKeysWith: { first, _ in first })
        var html = "<section id=\"conversations\"><h2>Conversations</h2>"
        html += "<div class=\"filters\"><input id=\"conv-filter\" type=\"search\" placeholder=\"Filter by id or text…\" aria-label=\"filter conversations\">"
        html += "<label><input id=\"conv-failing\" type=\"checkbox\"> failing only</label><span id=\"conv-count\" class=\"muted\"></span></div>"
        // The drill-down is most of a large report: conversations render on every core, in suite order.
        html += conversationOrder.concurrentMap(minimumPerSlice: 32) { id in
            conversationCard(id, turns: (byConversation[id] ?? []).sorted { $0.turnIndex < $1.turnIndex },
                             info: locations[id])
        }.joined()
        return html + "</section>"
    }

    private func conversationCard(_ id: String, turns: [TurnRecord], info: ConversationInfo?) -> String {
        let unmet = turns.map(\.unmetExpectations)
        let anchor = conversationAnchors[id] ?? "conv"
        let failingCount = unmet.filter { !$0.isEmpty }.count
        let unmeasuredCount = turns.filter { !$0.isMeasured }.count
        let state = failingCount > 0 ? "fail" : (unmeasuredCount > 0 ? "unmeasured" : "pass")
        let searchable = ([id] + turns.map(\.user)).joined(separator: " ").lowercased()
        var html = "<details class=\"conv \(state)\" id=\"\(anchor)\" data-state=\"\(state)\" data-search=\"\(searchable.htmlEscaped)\">"
        html += "<summary><span class=\"badge \(state)\">\(state)</span> <strong>\(id.htmlEscaped)</strong> <span class=\"muted\">\(turns.count) turns"
        if failingCount > 0 { html += ", \(failingCount) failing" }
        if unmeasuredCount > 0 { html += ", \(unmeasuredCount) unmeasured" }
        if let location = info?.location { html += " · \(location.path.htmlEscaped):\(location.line)" }
        if let customer = info?.customerId { html += " · customer \(customer.htmlEscaped)" }
        html += "</span></summary><div class=\"turns\">"
        for (turn, unmet) in zip(turns, unmet) { html += turnCard(turn, unmet: unmet, anchor: anchor) }
        return html + "</div></details>"
    }

    private func turnCard(_ turn: TurnRecord, unmet: [String], anchor: String) -> String {
        let state = !turn.isMeasured ? "unmeasured" : (unmet.isEmpty ? "pass" : "fail")
        var html = "<article class=\"turn \(state)\" id=\"\(anchor)-t\(turn.turnIndex)\"><div class=\"turn-head\"><span class=\"badge \(state)\">\(state)</span> Turn \(turn.turnIndex + 1)"
        html += " <span class=\"muted\">\(ReportFormat.milliseconds(turn.latencyMs))</span></div>"
        html += "<p class=\"user\"><span class=\"who\">customer</span>\(turn.user.htmlEscaped)</p>"
        if let error = turn.error {
            html += "<p class=\"error\">\(turn.status == .timeout ? "Timed out" : turn.status == .unavailable ? "Unavailable" : "Error"): \(error.htmlEscaped) — not counted in any metric.</p>"
        }
        guard let prediction = turn.prediction else { return html + "</article>" }
        html += "<table class=\"expect\"><thead><tr><th></th><th>expected</th><th>predicted</th></tr></thead><tbody>"
        func row(_ name: String, _ expected: String?, _ predicted: String, matches: Bool?) {
            let mark = matches.map { $0 ? "ok" : "miss" } ?? "unlabeled"
            html += "<tr class=\"\(mark)\"><th>\(name)</th><td>\((expected ?? "—").htmlEscaped)</td><td>\(predicted.htmlEscaped)</td></tr>"
        }
        row("intent", turn.expected.intent, "\(prediction.intent) (\(ReportFormat.fixed(prediction.confidence, digits: 2)))",
            matches: turn.expected.intent.map { $0 == prediction.intent })
        row("category", turn.expected.category, prediction.category.map { "\($0) (\(ReportFormat.fixed(prediction.categoryConfidence, digits: 2)))" } ?? "none",
            matches: turn.expected.category.map { $0 == prediction.category })
        let relevant = Set(turn.expected.docs ?? [])
        row("docs", turn.expected.docs?.joined(separator: ", "), prediction.rankedDocIds.prefix(5).joined(separator: ", "),
            matches: relevant.isEmpty ? nil : prediction.rankedDocIds.prefix(5).contains(where: relevant.contains))
        row("escalate", turn.expected.escalate.map { $0 ? "yes" : "no" }, prediction.escalated ? "yes" : "no",
            matches: turn.expected.escalate.map { $0 == prediction.escalated })
        html += "</tbody></table>"
        if !prediction.retrieved.isEmpty {
            html += "<div class=\"block\"><div class=\"block-title\">Retrieved chunks</div><ol class=\"chunks\">"
            for chunk in prediction.retrieved.prefix(Self.chunksShown) {
                let isRelevant = relevant.contains(chunk.docId)
                html += isRelevant ? "<li class=\"relevant\"><span class=\"tag\">relevant</span> " : "<li>"
                html += "<strong>\(chunk.title.htmlEscaped)</strong>"
                // The heading path starts with the title already shown: only the sections below it.
                let sections = Self.sectionsBelowTitle(chunk)
                if !sections.isEmpty { html += " <span class=\"muted\">› \(sections.htmlEscaped)</span>" }
                html += " <code>\(chunk.docId.htmlEscaped)</code> <span class=\"score\">\(ReportFormat.fixed(chunk.score, digits: 3))</span></li>"
            }
            html += "</ol>"
            if prediction.retrieved.count > Self.chunksShown { html += "<div class=\"muted small\">… and \(prediction.retrieved.count - Self.chunksShown) more chunks (all are in the results database)</div>" }
            html += "</div>"
        }
        if !prediction.memoryRecalled.isEmpty {
            html += "<div class=\"block\"><div class=\"block-title\">Memory recalled</div><ul>"
            for item in prediction.memoryRecalled { html += "<li>\(item.htmlEscaped)</li>" }
            html += "</ul></div>"
        }
        if prediction.escalated || !prediction.escalationReasons.isEmpty {
            html += "<div class=\"block\"><div class=\"block-title\">Escalation\(prediction.ticketId.map { " · ticket \($0.htmlEscaped)" } ?? "")</div><ul>"
            for reason in prediction.escalationReasons { html += "<li>\(reason.htmlEscaped)</li>" }
            html += "</ul></div>"
        }
        html += "<div class=\"block answer\"><div class=\"block-title\">Answer</div><p>\(prediction.answer.htmlEscaped)</p></div>"
        if !unmet.isEmpty {
            html += "<ul class=\"unmet\">" + unmet.map { "<li>\($0.htmlEscaped)</li>" }.joined() + "</ul>"
        }
        return html + "</article>"
    }

    /// The chunk's heading path without the title it starts with (`Cards` for `Refunds > Cards` in the article
    /// `Refunds`); empty for the article's own top section; the whole path when it does not start with the title.
    static func sectionsBelowTitle(_ chunk: RetrievedChunk) -> String {
        if chunk.headingPath == chunk.title { return "" }
        let prefix = chunk.title + " > "
        return chunk.headingPath.hasPrefix(prefix) ? String(chunk.headingPath.dropFirst(prefix.count)) : chunk.headingPath
    }
}
