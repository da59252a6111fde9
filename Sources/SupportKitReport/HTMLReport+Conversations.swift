import Foundation
import SupportKit
import SupportKitEval

extension HTMLReport {
    /// Retrieved chunks listed per turn: the top 5 decide hit@5 and the turn's pass or fail; the rest are
    /// in the database, and listing them would double the page for large suites.
    static let chunksShown = 5

    /// The drill-down: every conversation with every turn, expected against predicted, in pieces to be written
    /// one after the other (the drill-down is most of a large page, and is never copied into one buffer).
    func conversationsSection() -> [HTMLBytes] {
        let byConversation = Dictionary(grouping: input.records, by: \.conversationId)
        let locations = Dictionary(input.conversations.map { ($0.conversationId, $0) }, uniquingKeysWith: { first, _ in first })
        var opening = HTMLBytes()
        opening.raw("<section id=\"conversations\"><h2>Conversations</h2><p class=\"muted\">Failing conversations first, most broken expectations first; then the rest in suite order.</p>")
        opening.raw("<div class=\"filters\"><input id=\"conv-filter\" type=\"search\" placeholder=\"Filter by id or text…\" aria-label=\"filter conversations\">")
        opening.raw("<label><input id=\"conv-failing\" type=\"checkbox\"> failing only</label><span id=\"conv-count\" class=\"muted\"></span></div>")
        var closing = HTMLBytes()
        closing.raw("</section>")
        // Conversations render on every core, in suite order.
        let cards = Self.displayOrder(input, suiteOrder: conversationOrder).concurrentMap(minimumPerSlice: 32) { id in
            conversationCard(id, turns: (byConversation[id] ?? []).sorted { $0.turnIndex < $1.turnIndex },
                             info: locations[id])
        }
        return [opening] + cards + [closing]
    }

    private func conversationCard(_ id: String, turns: [TurnRecord], info: ConversationInfo?) -> HTMLBytes {
        let unmet = turns.map(\.unmetExpectations)
        let anchor = conversationAnchors[id] ?? "conv"
        let failingCount = unmet.filter { !$0.isEmpty }.count
        let unmeasuredCount = turns.filter { !$0.isMeasured }.count
        let state = failingCount > 0 ? "fail" : (unmeasuredCount > 0 ? "unmeasured" : "pass")
        var html = HTMLBytes(capacity: 4_096 * max(turns.count, 1))
        html.raw("<details class=\"conv "); html.markup(state); html.raw("\" id=\""); html.markup(anchor)
        html.raw("\" data-state=\""); html.markup(state); html.raw("\" data-search=\"")
        html.text(id.lowercased())
        for turn in turns { html.raw(" "); html.text(turn.user.lowercased()) }
        html.raw("\"><summary><span class=\"badge "); html.markup(state); html.raw("\">"); html.markup(state)
        html.raw("</span> <strong>"); html.text(id); html.raw("</strong> <span class=\"muted\">")
        html.number(turns.count); html.raw(" turns")
        if failingCount > 0 { html.raw(", "); html.number(failingCount); html.raw(" failing") }
        if unmeasuredCount > 0 { html.raw(", "); html.number(unmeasuredCount); html.raw(" unmeasured") }
        if let location = info?.location {
            html.raw(" · "); html.text(location.path); html.raw(":"); html.number(location.line)
        }
        if let customer = info?.customerId { html.raw(" · customer "); html.text(customer) }
        html.raw("</span></summary><div class=\"turns\">")
        for (turn, unmet) in zip(turns, unmet) { turnCard(turn, unmet: unmet, anchor: anchor, into: &html) }
        html.raw("</div></details>")
        return html
    }

    private func turnCard(_ turn: TurnRecord, unmet: [String], anchor: String, into html: inout HTMLBytes) {
        let state = !turn.isMeasured ? "unmeasured" : (unmet.isEmpty ? "pass" : "fail")
        html.raw("<article class=\"turn "); html.markup(state); html.raw("\" id=\""); html.markup(anchor)
        html.raw("-t"); html.number(turn.turnIndex); html.raw("\"><div class=\"turn-head\"><span class=\"badge ")
        html.markup(state); html.raw("\">"); html.markup(state); html.raw("</span> Turn "); html.number(turn.turnIndex + 1)
        html.raw(" <span class=\"muted\">"); html.markup(ReportFormat.milliseconds(turn.latencyMs)); html.raw("</span></div>")
        html.raw("<p class=\"user\"><span class=\"who\">customer</span>"); html.text(turn.user); html.raw("</p>")
        if let error = turn.error {
            html.raw("<p class=\"error\">")
            html.raw(turn.status == .timeout ? "Timed out" : turn.status == .unavailable ? "Unavailable" : "Error")
            html.raw(": "); html.text(error); html.raw(" — not counted in any metric.</p>")
        }
        guard let prediction = turn.prediction else { return html.raw("</article>") }
        html.raw("<table class=\"expect\"><thead><tr><th></th><th>expected</th><th>predicted</th></tr></thead><tbody>")
        func row(_ name: StaticString, _ expected: String?, _ predicted: String, matches: Bool?) {
            html.raw("<tr class=\""); html.raw(matches.map { $0 ? "ok" : "miss" } ?? "unlabeled"); html.raw("\"><th>")
            html.raw(name); html.raw("</th><td>"); html.text(expected ?? "—"); html.raw("</td><td>"); html.text(predicted)
            html.raw("</td></tr>")
        }
        // An LLM classifier that fell back: the labels are the local classifier's, and the reader needs to know why.
        let fallback = LLMClassifierUse(prediction.classifier).flatMap { $0.fellBack ? " · local classifier (LLM: \($0.reason ?? "failed"))" : nil } ?? ""
        row("intent", turn.expected.intent, "\(prediction.intent) (\(ReportFormat.fixed(prediction.confidence, digits: 2)))" + fallback,
            matches: turn.expected.intent.map { $0 == prediction.intent })
        row("category", turn.expected.category, prediction.category.map { "\($0) (\(ReportFormat.fixed(prediction.categoryConfidence, digits: 2)))" } ?? "none",
            matches: turn.expected.category.map { $0 == prediction.category })
        let relevant = Set(turn.expected.docs ?? [])
        row("docs", turn.expected.docs?.joined(separator: ", "), prediction.rankedDocIds.prefix(5).joined(separator: ", "),
            matches: relevant.isEmpty ? nil : prediction.rankedDocIds.prefix(5).contains(where: relevant.contains))
        row("escalate", turn.expected.escalate.map { $0 ? "yes" : "no" }, prediction.escalated ? "yes" : "no",
            matches: turn.expected.escalate.map { $0 == prediction.escalated })
        html.raw("</tbody></table>")
        if !prediction.retrieved.isEmpty {
            html.raw("<div class=\"block\"><div class=\"block-title\">Retrieved chunks</div><ol class=\"chunks\">")
            for (rank, chunk) in prediction.retrieved.prefix(Self.chunksShown).enumerated() {
                html.raw(relevant.contains(chunk.docId) ? "<li class=\"relevant\"><span class=\"tag\">relevant</span> " : "<li>")
                html.raw("<strong>"); html.text(chunk.title); html.raw("</strong>")
                // The heading path starts with the title already shown: only the sections below it.
                let sections = Self.sectionsBelowTitle(chunk)
                if !sections.isEmpty { html.raw(" <span class=\"muted\">› "); html.text(sections); html.raw("</span>") }
                html.raw(" <code>"); html.text(chunk.docId); html.raw("</code> <span class=\"score\" title=\"cosine similarity to the message; rank after fusion\">")
                // The cosine is what a reader can judge; the fused score only orders, so its rank stands beside it.
                if let similarity = chunk.similarity {
                    html.raw("cos "); html.markup(ReportFormat.fixed(similarity, digits: 2))
                } else {
                    html.raw("text match")
                }
                html.raw(" · #"); html.number(rank + 1); html.raw("</span></li>")
            }
            html.raw("</ol>")
            if prediction.retrieved.count > Self.chunksShown {
                html.raw("<div class=\"muted small\">… and "); html.number(prediction.retrieved.count - Self.chunksShown)
                html.raw(" more chunks (all are in the results database)</div>")
            }
            html.raw("</div>")
        }
        if !prediction.memoryRecalled.isEmpty {
            html.raw("<div class=\"block\"><div class=\"block-title\">Memory recalled</div><ul>")
            for item in prediction.memoryRecalled { html.raw("<li>"); html.text(item); html.raw("</li>") }
            html.raw("</ul></div>")
        }
        if prediction.escalated || !prediction.escalationReasons.isEmpty {
            html.raw("<div class=\"block\"><div class=\"block-title\">Escalation")
            if let ticket = prediction.ticketId { html.raw(" · ticket "); html.text(ticket) }
            html.raw("</div><ul>")
            for reason in prediction.escalationReasons { html.raw("<li>"); html.text(reason); html.raw("</li>") }
            html.raw("</ul></div>")
        }
        html.raw("<div class=\"block answer\"><div class=\"block-title\">Answer")
        let review = prediction.answerReview
        if let score = review?.groundedness {
            html.raw(" · groundedness "); html.markup(ReportFormat.fixed(score, digits: 2))
        }
        if let judge = review?.judge {
            // The LLM judge beside the offline checker, never instead of it.
            if let faithfulness = judge.faithfulness {
                html.raw(" · judge: faithfulness "); html.markup(ReportFormat.fixed(faithfulness, digits: 2))
            }
            if let relevance = judge.relevance {
                html.raw(", relevance "); html.markup(ReportFormat.fixed(relevance, digits: 2))
            }
            if let error = judge.error { html.raw(" · judge: "); html.text(error) }
        }
        html.raw("</div>")
        if let reason = review?.judge?.reason {
            html.raw("<div class=\"judge-reason\">judge: "); html.text(reason); html.raw("</div>")
        }
        html.raw("<p>")
        Self.answerText(prediction.answer, unsupported: review?.unsupported ?? [], into: &html)
        html.raw("</p>")
        if let review, !review.unsupported.isEmpty || !review.markup.isEmpty {
            html.raw("<ul class=\"unsupported\">")
            for claim in review.unsupported {
                html.raw("<li><q>"); html.text(claim.text); html.raw("</q> — "); html.text(claim.reason); html.raw("</li>")
            }
            for token in review.markup {
                html.raw("<li>leftover markup <code>"); html.text(token); html.raw("</code></li>")
            }
            html.raw("</ul>")
        }
        html.raw("</div>")
        if !unmet.isEmpty {
            html.raw("<ul class=\"unmet\">")
            for item in unmet { html.raw("<li>"); html.text(item); html.raw("</li>") }
            html.raw("</ul>")
        }
        html.raw("</article>")
    }

    /// The answer with each unsupported claim marked (`<mark>`, its reason as the tooltip); a claim the checker
    /// rewrote (citation markers dropped) and so cannot be found verbatim is listed below the answer only.
    static func answerText(_ answer: String, unsupported: [AnswerReview.Claim], into html: inout HTMLBytes) {
        var marks: [(range: Range<String.Index>, reason: String)] = []
        for claim in unsupported {
            guard let range = answer.range(of: claim.text),
                  !marks.contains(where: { $0.range.overlaps(range) }) else { continue }
            marks.append((range, claim.reason))
        }
        marks.sort { $0.range.lowerBound < $1.range.lowerBound }
        var position = answer.startIndex
        for mark in marks {
            html.text(String(answer[position..<mark.range.lowerBound]))
            html.raw("<mark class=\"unsupported\" title=\""); html.text(mark.reason); html.raw("\">")
            html.text(String(answer[mark.range])); html.raw("</mark>")
            position = mark.range.upperBound
        }
        html.text(String(answer[position...]))
    }

    /// The chunk's heading path without the title it starts with (`Cards` for `Refunds > Cards` in the article
    /// `Refunds`); empty for the article's own top section; the whole path when it does not start with the title.
    static func sectionsBelowTitle(_ chunk: RetrievedChunk) -> String {
        if chunk.headingPath == chunk.title { return "" }
        let prefix = chunk.title + " > "
        return chunk.headingPath.hasPrefix(prefix) ? String(chunk.headingPath.dropFirst(prefix.count)) : chunk.headingPath
    }
}
