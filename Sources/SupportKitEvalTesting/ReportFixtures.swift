import Foundation
import SupportKit
import SupportKitEval
import SupportKitReport

/// A small, fixed run (ids, dates and latencies constant) for report and golden-file tests, with
/// hostile text in a conversation id, a message, a document title and an answer.
public enum ReportFixtures {
    public static let hostileTitle = "<script>document.title='pwned'</script>"
    public static let hostileMessage = "<img src=x onerror=alert(1)> refund & \"quotes\""
    public static let hostileId = "x<script>alert(1)</script>"

    public static let run = RunInfo(
        id: "20261125-010000-abcd", startedAt: Date(timeIntervalSince1970: 1_795_568_400), status: .complete,
        suiteHash: "0123456789abcdef0123", suitePaths: ["evals"], conversationCount: 3, turnCount: 5,
        fingerprints: ["embedder": "lexical@1/512", "classifier": "logreg@1", "git_commit": "deadbeef"], seed: 42,
        concurrency: 2, turnTimeout: 30)

    public static var records: [TurnRecord] {
        var hostileTurn = makeRecord(hostileId, 0, intent: "problem", predicted: "question", confidence: 0.55,
                                     category: "billing", predictedCategory: "billing", docs: ["billing/refunds"],
                                     ranked: ["billing/refunds"], escalate: false, escalated: false, latency: 120,
                                     user: hostileMessage)
        hostileTurn.prediction?.retrieved = [
            RetrievedChunk(chunkId: Chunk.makeID(docId: "billing/refunds", headingPath: ["R"], position: 0), docId: "billing/refunds",
                           title: hostileTitle, headingPath: "Refunds > <b>Cards</b>", score: 0.812),
        ]
        hostileTurn.prediction?.answer = "Answer with </p><script>alert('answer')</script>"
        hostileTurn.prediction?.memoryRecalled = ["open issue: <i>refund</i> for order 5521"]
        return [
            makeRecord("billing-1", 0, intent: "problem", predicted: "problem", confidence: 0.92, category: "billing",
                       predictedCategory: "billing", docs: ["billing/duplicate-charges"], ranked: ["billing/duplicate-charges", "billing/refunds"],
                       escalate: false, escalated: false, latency: 80, user: "I was charged twice"),
            makeRecord("billing-1", 1, intent: "escalate", predicted: "escalate", confidence: 0.81, escalate: true,
                       escalated: true, latency: 95, user: "Get me a human"),
            hostileTurn,
            makeRecord("orders-2", 0, intent: "question", predicted: "question", confidence: 0.7, category: "orders",
                       predictedCategory: "orders", docs: ["orders/shipping"], ranked: ["orders/returns"], escalate: false,
                       escalated: true, latency: 140, user: "Where is my parcel?"),
            makeRecord("orders-2", 1, intent: "question", latency: 30000, status: .timeout, user: "Hello?"),
        ]
    }

    public static var conversations: [ConversationInfo] {
        [
            ConversationInfo(conversationId: "billing-1", ordinal: 0, customerId: "c1", location: SourceLocation(path: "evals/billing.yaml", line: 1), turnCount: 2),
            ConversationInfo(conversationId: hostileId, ordinal: 1, customerId: "c<2>", location: SourceLocation(path: "evals/billing.yaml", line: 9), turnCount: 1),
            ConversationInfo(conversationId: "orders-2", ordinal: 2, customerId: "c3", location: SourceLocation(path: "evals/orders/where.yaml", line: 1), turnCount: 2),
        ]
    }

    public static func input(gates: [GateResult] = [GateResult(rule: "fail-under intent_accuracy=0.8", passed: false, detail: "intent_accuracy = 0.7500 < 0.8")]) -> ReportInput {
        let records = records
        let metrics = EvalMetrics.compute(records: records, bootstrap: Bootstrap(resamples: 100, seed: 42))
        let earlier = TrendPoint(runId: "20261124-010000-0001", startedAt: run.startedAt.addingTimeInterval(-86_400), sameSuite: true,
                                 metrics: [MetricName.intentAccuracy: MetricValue(value: 0.6, n: 4), "recall@5": MetricValue(value: 0.5, n: 3)])
        let other = TrendPoint(runId: "20261124-120000-0002", startedAt: run.startedAt.addingTimeInterval(-43_200), sameSuite: false,
                               metrics: [MetricName.intentAccuracy: MetricValue(value: 0.7, n: 4)])
        let current = TrendPoint(runId: run.id, startedAt: run.startedAt, sameSuite: true, metrics: metrics.metrics)
        return ReportInput(run: run, records: records, metrics: metrics, conversations: conversations, gates: gates,
                           trend: [earlier, other, current])
    }
}

extension ReportFixtures {
    public static let baselineRun = RunInfo(
        id: "20261124-010000-0001", startedAt: Date(timeIntervalSince1970: 1_795_482_000), status: .complete,
        suiteHash: "0123456789abcdef0123", suitePaths: ["evals"], conversationCount: 3, turnCount: 5,
        fingerprints: ["embedder": "lexical@1/512", "classifier": "logreg@0", "git_commit": "cafebabe"], seed: 42,
        concurrency: 2, turnTimeout: 30)

    /// The fixture run's turns as the baseline answered them: `orders-2` passed there (it regressed since),
    /// `billing-1` missed the escalation there (it was fixed since).
    public static var baselineRecords: [TurnRecord] {
        records.map { record in
            var record = record
            if record.conversationId == "orders-2", record.turnIndex == 0 {
                record.prediction?.rankedDocIds = ["orders/shipping"]
                record.prediction?.escalated = false
            }
            if record.conversationId == "billing-1", record.turnIndex == 1 {
                record.prediction?.intent = "question"
                record.prediction?.escalated = false
            }
            return record
        }
    }

    /// The fixture run compared with `baselineRun`.
    public static var comparison: BaselineComparison {
        BaselineComparison.compare(current: records, currentInfo: run, baseline: baselineRecords, baselineInfo: baselineRun,
                                   bootstrap: Bootstrap(resamples: 100, seed: 42))
    }

    /// The fixture run as `EvalRunner` returns it, compared with the baseline, one gate passed and one failed.
    public static var outcome: EvalOutcome {
        let records = records
        return EvalOutcome(
            run: run, records: records, metrics: EvalMetrics.compute(records: records, bootstrap: Bootstrap(resamples: 100, seed: 42)),
            baseline: baselineRun, comparison: comparison,
            gates: [GateResult(rule: "fail-under intent_accuracy=0.8", passed: false, detail: "intent_accuracy = 0.7500 < 0.8"),
                    GateResult(rule: "max-regression recall@5=0.02", passed: true, detail: "within tolerance")])
    }
}
