import Foundation
import Testing
import SupportKit
import SupportKitEvalTesting
@testable import SupportKitEval
@testable import SupportKitReport

/// What a reader sees first: the pass rate and "What to fix" at the top, failing conversations first, coloured
/// deltas, a readable latency axis, cosine similarities.
@Suite struct ReportSummaryTests {
    @Test func latencyBinsAreOneTwoFivePerDecade() {
        #expect(SVGChart.logEdges(from: 3, to: 450) == [2, 5, 10, 20, 50, 100, 200, 500])
        #expect(SVGChart.logEdges(from: 0.3, to: 0.3) == [0.2, 0.5])
        #expect(SVGChart.logEdges(from: 100, to: 100) == [100, 200])
        #expect(SVGChart.axisLabel(0.5) == "0.5 ms" && SVGChart.axisLabel(20) == "20 ms")
        #expect(SVGChart.axisLabel(1000) == "1 s" && SVGChart.axisLabel(2000) == "2 s" && SVGChart.axisLabel(5000) == "5 s")
        // 26 fast turns and 2 slow ones no longer share one bin: each decade stays readable.
        let svg = SVGChart.histogram(Array(repeating: 40, count: 26) + [900, 1300], title: "latency")
        #expect(svg.contains("<title>20 ms–50 ms: 26 turns</title>"))
        #expect(svg.contains("<title>500 ms–1000 ms: 1 turns</title>") && svg.contains("<title>1000 ms–2000 ms: 1 turns</title>"))
        #expect(svg.contains("dashed: p50 40 ms, p95 900 ms"))
    }

    @Test func theReportOpensWithWhatToFixAndListsFailingConversationsFirst() {
        var input = ReportFixtures.input()
        input.comparison = ReportFixtures.comparison
        let html = HTMLReport(input).render()
        let fix = html.range(of: "<section id=\"what-to-fix\"")
        let headline = html.range(of: "<h2>Headline metrics</h2>")
        #expect(fix != nil && headline != nil && fix!.lowerBound < headline!.lowerBound)
        #expect(html.contains("<strong>33.3%</strong> of 3 conversations pass"))
        #expect(html.contains("<td><code>retrieval_rank</code></td>"))
        // Failing conversations first (orders-2 broke 2 expectations, the hostile one 1), anchors kept by suite order.
        let orders = html.range(of: "id=\"conv-2\" data-state=\"fail\"")
        let hostile = html.range(of: "id=\"conv-1\" data-state=\"fail\"")
        let billing = html.range(of: "id=\"conv-0\" data-state=\"pass\"")
        #expect(orders != nil && hostile != nil && billing != nil)
        #expect(orders!.lowerBound < hostile!.lowerBound && hostile!.lowerBound < billing!.lowerBound)
        // Deltas coloured by direction: recall fell (red), escalation F1 rose (green).
        #expect(html.contains("class=\"delta worse"))
        #expect(html.contains("class=\"delta better"))
        // Headers never wrap mid-word.
        #expect(html.contains("th{white-space:nowrap;overflow-wrap:normal;word-break:keep-all}"))
    }

    @Test func retrievedChunksShowCosineSimilarityWithTheFusedRank() {
        var input = ReportFixtures.input()
        if let index = input.records.firstIndex(where: { $0.conversationId == ReportFixtures.hostileId }) {
            input.records[index].prediction?.retrieved[0].similarity = 0.6123
        }
        let html = HTMLReport(input).render()
        #expect(html.contains("cos 0.61 · #1</span>"))
        #expect(!html.contains(">0.812<"))   // the fusion score is no longer printed
    }

    @Test func terminalAndMarkdownSummariesOpenWithThePassRate() {
        let input = ReportFixtures.input()
        let line = ReportFormat.passRate(input.metrics.metrics[MetricName.conversationPassRate], failing: input.failures.conversations.count)
        #expect(line.hasPrefix("conversation pass rate 33.3% ["))
        #expect(line.hasSuffix("]: 1 of 3 conversations pass, 2 fail"))
        let md = MarkdownSummary.render(input)
        let table = md.range(of: "| conversation_pass_rate | 33.3% |")
        let intent = md.range(of: "| intent_accuracy |")
        #expect(table != nil && intent != nil && table!.lowerBound < intent!.lowerBound)
        // Every failing conversation is listed and linked to its suite line, most broken first.
        #expect(md.contains("- [`orders-2`](evals/orders/where.yaml#L1) (2 broken)"))
        #expect(md.contains("(evals/billing.yaml#L9) (1 broken)"))
        let lines = ReportFormat.failingConversations(input.failures, limit: 1)
        #expect(lines == [
            "failing conversations: 2, most broken expectations first",
            "  orders-2 (2 broken) turn 1: docs: none of [orders/shipping] in top 5 [orders/returns]; escalate: expected false, got true",
            "  ... and 1 more (see the report)",
        ])
    }
}
