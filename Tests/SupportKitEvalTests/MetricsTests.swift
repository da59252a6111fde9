import Foundation
import Testing
import SupportKit
import SupportKitEvalTesting
@testable import SupportKitEval

/// Metric values checked against numbers worked out by hand (see the comments for the arithmetic).
@Suite struct MetricsTests {
    /// Two conversations; B's second turn errored and must not count anywhere.
    static let records: [TurnRecord] = [
        makeRecord("A", 0, intent: "question", predicted: "question", confidence: 0.9, category: "billing",
                   predictedCategory: "billing", docs: ["d1"], ranked: ["d2", "d1", "d3"], escalate: false,
                   escalated: false, latency: 100),
        makeRecord("A", 1, intent: "problem", predicted: "question", confidence: 0.6, category: "billing",
                   predictedCategory: "orders", docs: ["d1", "d4"], ranked: ["d4", "d5", "d1"], escalate: true,
                   escalated: true, latency: 200),
        makeRecord("B", 0, intent: "problem", predicted: "problem", confidence: 0.8, category: "orders",
                   predictedCategory: nil, docs: ["d9"], ranked: [], escalate: false, escalated: true, latency: 300),
        makeRecord("B", 1, intent: "question", category: "orders", docs: ["d9"], escalate: true, latency: 50, status: .error),
    ]

    func value(_ metrics: EvalMetrics, _ name: String) throws -> Double {
        try #require(metrics.metrics[name]?.value, "\(name) should be defined")
    }

    @Test func intentMetrics() throws {
        let metrics = EvalMetrics.compute(records: Self.records, bootstrap: nil)
        // 3 measured labeled turns, 2 right.
        #expect(try value(metrics, MetricName.intentAccuracy) == 2.0 / 3)
        #expect(metrics.metrics[MetricName.intentAccuracy]?.n == 3)
        // question: tp 1, fp 1, fn 0 -> F1 2/3; problem: tp 1, fp 0, fn 1 -> F1 2/3.
        #expect(abs(try value(metrics, MetricName.intentMacroF1) - 2.0 / 3) < 1e-12)
        #expect(metrics.intent.labels == ["question", "problem"])
        #expect(metrics.intent.matrix == [[1, 0], [1, 1]])
        let question = try #require(metrics.intent.rows.first { $0.label == "question" })
        #expect(question.precision == 0.5 && question.recall == 1 && question.support == 1 && question.predicted == 2)
        // ECE: bins 9 (0.9, right), 6 (0.6, wrong), 8 (0.8, right): (0.1 + 0.6 + 0.2) / 3.
        #expect(abs(try value(metrics, MetricName.intentECE) - 0.3) < 1e-12)
        #expect(metrics.reliability[6].count == 1 && metrics.reliability[6].accuracy == 0)
        #expect(metrics.reliability[0].count == 0 && metrics.reliability[0].accuracy == nil)
    }

    @Test func categoryMetricsCountAMissingPredictionAsWrong() throws {
        let metrics = EvalMetrics.compute(records: Self.records, bootstrap: nil)
        #expect(try value(metrics, MetricName.categoryAccuracy) == 1.0 / 3)
        #expect(metrics.category.labels == ["orders", "billing", "(none)"])
        // billing: tp 1, fn 1 -> 2/3; orders: tp 0, fp 1, fn 1 -> 0; (none) is never expected -> left out.
        #expect(abs(try value(metrics, MetricName.categoryMacroF1) - 1.0 / 3) < 1e-12)
        let orders = try #require(metrics.category.rows.first { $0.label == "orders" })
        #expect(orders.precision == 0 && orders.recall == 0 && orders.f1 == 0)
    }

    @Test func retrievalMetrics() throws {
        let metrics = EvalMetrics.compute(records: Self.records, bootstrap: nil)
        // A0: relevant d1 at rank 2. A1: relevant d4 rank 1, d1 rank 3. B0: nothing retrieved.
        #expect(try value(metrics, "recall@1") == (0 + 0.5 + 0) / 3)
        #expect(try value(metrics, "recall@3") == (1 + 1 + 0) / 3)
        #expect(try value(metrics, "hit@1") == 1.0 / 3)
        #expect(try value(metrics, "hit@5") == 2.0 / 3)
        #expect(try value(metrics, "mrr@10") == (0.5 + 1 + 0) / 3)
        let a0 = 1 / log2(3.0)
        let a1 = (1 + 1 / log2(4.0)) / (1 + 1 / log2(3.0))
        #expect(abs(try value(metrics, "ndcg@10") - (a0 + a1) / 3) < 1e-12)
        #expect(abs(try value(metrics, "ndcg@10") - 0.516884) < 1e-6)
        #expect(metrics.metrics["recall@5"]?.n == 3)
        #expect(metrics.recallCurve.count == 10 && metrics.recallCurve[2].recall == 2.0 / 3)
    }

    @Test func escalationMetricsAndOutcomes() throws {
        let metrics = EvalMetrics.compute(records: Self.records, bootstrap: nil)
        // tn (A0), tp (A1), fp (B0); B1 is unmeasured.
        #expect(metrics.escalationTurns == EscalationCounts(truePositives: 1, falsePositives: 1, falseNegatives: 0, trueNegatives: 1))
        #expect(try value(metrics, MetricName.escalationPrecision) == 0.5)
        #expect(try value(metrics, MetricName.escalationRecall) == 1)
        #expect(try value(metrics, MetricName.escalationF1) == 2.0 / 3)
        // B should escalate at its (unmeasured) turn 1 but escalated at turn 0: early, decided before the gap.
        #expect(metrics.escalationOutcomes.map(\.outcome) == [.onTime, .early])
    }

    @Test func conversationOutcomes() {
        func outcome(_ labels: [Bool?], _ escalated: [Bool], unmeasured: Int? = nil) -> EscalationOutcome? {
            let records = labels.enumerated().map { index, label in
                makeRecord("C", index, escalate: label, escalated: escalated[index], status: index == unmeasured ? .timeout : .ok)
            }
            return EvalMetrics.escalationOutcomes(records, order: ["C"]).first?.outcome
        }
        #expect(outcome([false, true], [false, true]) == .onTime)
        #expect(outcome([false, true], [true, true]) == .early)
        #expect(outcome([false, true, nil], [false, false, true]) == .late)
        #expect(outcome([false, true], [false, false]) == .missed)
        #expect(outcome([false, false], [false, true]) == .falseAlarm)
        #expect(outcome([false, false], [false, false]) == .quiet)
        #expect(outcome([nil, nil], [true, true]) == nil)   // no escalate label: not counted
        #expect(outcome([false, true], [false, true], unmeasured: 0) == .unmeasured)
        #expect(outcome([false, true, false], [false, true, false], unmeasured: 2) == .onTime)   // after the decision
    }

    @Test func latencyPercentilesUseNearestRankOverMeasuredTurns() throws {
        let metrics = EvalMetrics.compute(records: Self.records, bootstrap: nil)
        #expect(try value(metrics, MetricName.latencyP50) == 200)   // rank ceil(1.5) = 2 of [100, 200, 300]
        #expect(try value(metrics, MetricName.latencyP95) == 300)
        #expect(metrics.metrics[MetricName.latencyP50]?.n == 3)
        #expect(EvalMetrics.nearestRank([1, 2, 3, 4], 50) == 2)
        #expect(EvalMetrics.nearestRank([1, 2, 3, 4], 75) == 3)
        #expect(EvalMetrics.nearestRank([7], 99) == 7)
        #expect(EvalMetrics.nearestRank([], 50) == nil)
        let classify = try #require(metrics.latency.first { $0.stage == "classify" })
        #expect(classify.p50 == 50 && classify.n == 3)
        #expect(metrics.erroredTurns == 1 && metrics.measuredTurns == 3 && metrics.turns == 4)
    }

    @Test func theHandoffRateCountsEveryMeasuredTurnLabeledOrNot() {
        let records = [
            makeRecord("A", 0, escalated: true), makeRecord("A", 1), makeRecord("B", 0, escalate: false, escalated: true),
            makeRecord("B", 1), makeRecord("B", 2, status: .timeout),
        ]
        let handoff = EvalMetrics.compute(records: records, bootstrap: nil).metrics["handoff_rate"]
        // Two of the four measured turns went to a person; the timed-out turn is not counted.
        #expect(handoff?.value == 0.5 && handoff?.n == 4)
        #expect(MetricName.isLowerBetter("handoff_rate") && MetricName.title(of: "handoff_rate") == "Handed to a person")
    }

    @Test func noLabeledTurnsGiveUndefinedMetricsNotNaN() {
        let records = [makeRecord("A", 0), makeRecord("A", 1)]
        let metrics = EvalMetrics.compute(records: records, bootstrap: Bootstrap(resamples: 50))
        // Repetition, markup and hand-offs count every reply, labeled or not.
        let unlabeled = [MetricName.answerRepetitionRate, MetricName.answerMarkupRate, "handoff_rate"]
        for name in MetricName.all where !name.hasPrefix("latency_") && !unlabeled.contains(name) {
            #expect(metrics.metrics[name]?.value == nil, "\(name)")
            #expect(metrics.metrics[name]?.n == 0, "\(name)")
            #expect(metrics.metrics[name]?.ciLow == nil, "\(name)")
        }
        #expect(metrics.intent.labels.isEmpty && metrics.recallCurve.isEmpty && metrics.escalationOutcomes.isEmpty)
        #expect(metrics.metrics["handoff_rate"] == MetricValue(value: 0, ciLow: 0, ciHigh: 0, n: 2))
        let empty = EvalMetrics.compute(records: [], bootstrap: Bootstrap(resamples: 50))
        #expect(empty.metrics[MetricName.latencyP50]?.value == nil && empty.conversations == 0)
    }

    @Test func aClassNeverPredictedHasUndefinedPrecisionAndZeroF1() throws {
        let records = [
            makeRecord("A", 0, intent: "question", predicted: "question"),
            makeRecord("A", 1, intent: "feedback", predicted: "question"),
        ]
        let metrics = EvalMetrics.compute(records: records, bootstrap: nil)
        let feedback = try #require(metrics.intent.rows.first { $0.label == "feedback" })
        #expect(feedback.precision == nil && feedback.recall == 0 && feedback.f1 == 0)
        // question: tp 1, fp 1 -> F1 2/3; feedback F1 0 -> macro 1/3.
        #expect(abs(try value(metrics, MetricName.intentMacroF1) - 1.0 / 3) < 1e-12)
        // Escalation never predicted: precision undefined, recall 0, F1 0.
        let esc = EvalMetrics.compute(records: [makeRecord("A", 0, escalate: true, escalated: false)], bootstrap: nil)
        #expect(esc.metrics[MetricName.escalationPrecision]?.value == nil)
        #expect(esc.metrics[MetricName.escalationRecall]?.value == 0)
        #expect(esc.metrics[MetricName.escalationF1]?.value == 0)
        // Nothing to escalate and nothing escalated: F1 undefined rather than a made-up 1.
        let none = EvalMetrics.compute(records: [makeRecord("A", 0, escalate: false, escalated: false)], bootstrap: nil)
        #expect(none.metrics[MetricName.escalationF1]?.value == nil && none.metrics[MetricName.escalationF1]?.n == 1)
    }

    @Test func retrievalScoresAtCutoffsLongerThanTheList() {
        let scores = RetrievalScores.score(ranked: ["d1"], relevant: ["d1", "d2"], k: 10)
        #expect(scores.recall == 0.5 && scores.hit == 1 && scores.reciprocalRank == 1)
        #expect(abs(scores.ndcg - 1 / (1 + 1 / log2(3.0))) < 1e-12)
        let empty = RetrievalScores.score(ranked: [], relevant: ["d1"], k: 3)
        #expect(empty == RetrievalScores(recall: 0, hit: 0, reciprocalRank: 0, ndcg: 0))
    }

    @Test func tiesKeepTheAssistantsOrderAndDuplicatesCountOnce() {
        // d2 appears twice (two chunks of one document): d1 is the second distinct document.
        let scores = RetrievalScores.score(ranked: ["d2", "d2", "d1"], relevant: ["d1"], k: 2)
        #expect(scores.hit == 1 && scores.reciprocalRank == 0.5)
        // Rank is position, never score: the same documents in the other order score differently.
        #expect(RetrievalScores.score(ranked: ["d1", "d2"], relevant: ["d1"], k: 1).hit == 1)
        #expect(RetrievalScores.score(ranked: ["d2", "d1"], relevant: ["d1"], k: 1).hit == 0)
        // Reply.rankedDocIds ranks a document by its best (first) chunk.
        let reply = makeReply(intent: "question", docs: ["a", "b", "a", "c"])
        #expect(reply.rankedDocIds == ["a", "b", "c"])
    }

    @Test func slicesByExpectedCategoryAndIntent() throws {
        let metrics = EvalMetrics.compute(records: Self.records, bootstrap: nil)
        let billing = try #require(metrics.slices.first { $0.dimension == "category" && $0.label == "billing" })
        #expect(billing.turns == 2 && billing.intentAccuracy.value == 0.5 && billing.categoryAccuracy.value == 0.5)
        #expect(billing.recallAt5.value == 1)
        let problem = try #require(metrics.slices.first { $0.dimension == "intent" && $0.label == "problem" })
        #expect(problem.turns == 2 && problem.intentAccuracy.value == 0.5)
    }

    @Test func unmetExpectationsNameEachMiss() {
        let record = Self.records[1]
        #expect(record.unmetExpectations == [
            "intent: expected problem, got question",
            "category: expected billing, got orders",
        ])
        #expect(Self.records[3].unmetExpectations.isEmpty)   // unmeasured: never a fail
    }
}
