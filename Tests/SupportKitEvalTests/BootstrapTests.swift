import Foundation
import Testing
import SupportKit
import SupportKitEvalTesting
@testable import SupportKitEval

@Suite struct BootstrapTests {
    /// Twenty conversations of two turns, about 70% of intents right.
    static let records: [TurnRecord] = (0..<20).flatMap { c in
        (0..<2).map { t in
            makeRecord("c\(c)", t, intent: "question", predicted: (c * 2 + t) % 10 < 7 ? "question" : "problem",
                       docs: ["d\(c)"], ranked: (c + t) % 3 == 0 ? ["x", "d\(c)"] : ["d\(c)"],
                       escalate: t == 1, escalated: c % 4 != 0 && t == 1, latency: Double(10 + c * 3 + t))
        }
    }

    @Test func splitMix64MatchesTheReferenceSequence() {
        var generator = SplitMix64(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(generator.next() == 0x06C4_5D18_8009_454F)
        var bounded = SplitMix64(seed: 99)
        for _ in 0..<1000 { #expect((0..<7).contains(bounded.next(below: 7))) }
    }

    @Test func intervalsAreDeterministicForASeed() throws {
        let first = EvalMetrics.compute(records: Self.records, bootstrap: Bootstrap(resamples: 300, seed: 7))
        let second = EvalMetrics.compute(records: Self.records, bootstrap: Bootstrap(resamples: 300, seed: 7))
        let other = EvalMetrics.compute(records: Self.records, bootstrap: Bootstrap(resamples: 300, seed: 8))
        #expect(first.metrics == second.metrics)
        #expect(first.metrics != other.metrics)
        let accuracy = try #require(first.metrics[MetricName.intentAccuracy])
        let low = try #require(accuracy.ciLow), high = try #require(accuracy.ciHigh), value = try #require(accuracy.value)
        #expect(value == 0.7)
        #expect(low < value && value < high && low > 0.3 && high <= 1)
        let p95 = try #require(first.metrics[MetricName.latencyP95])
        #expect(try #require(p95.ciLow) <= p95.value ?? 0 && p95.value ?? 0 <= (p95.ciHigh ?? 0))
    }

    @Test func identicalConversationsGiveADegenerateInterval() throws {
        let records = (0..<10).map { makeRecord("c\($0)", 0, intent: "question", predicted: "question") }
        let metrics = EvalMetrics.compute(records: records, bootstrap: Bootstrap(resamples: 100))
        let accuracy = try #require(metrics.metrics[MetricName.intentAccuracy])
        #expect(accuracy.ciLow == 1 && accuracy.ciHigh == 1)
    }

    @Test func quantileInterpolatesBetweenRanks() {
        #expect(Bootstrap.quantile([1, 2, 3, 4, 5], 0.5) == 3)
        #expect(abs(Bootstrap.quantile([1, 2, 3, 4, 5], 0.025) - 1.1) < 1e-12)
        #expect(abs(Bootstrap.quantile([10, 20], 0.975) - 19.75) < 1e-12)
    }

    @Test func pairedComparisonOfARunWithItselfIsExactlyZero() throws {
        let info = RunInfo(id: "r1", startedAt: Date(), suiteHash: "h", suitePaths: [], conversationCount: 20, turnCount: 40,
                           fingerprints: [:], seed: 1, concurrency: 1, turnTimeout: 1)
        let comparison = BaselineComparison.compare(current: Self.records, currentInfo: info, baseline: Self.records,
                                                    baselineInfo: info, bootstrap: Bootstrap(resamples: 200))
        let delta = try #require(comparison.deltas[MetricName.intentAccuracy])
        #expect(delta.delta == 0 && delta.ciLow == 0 && delta.ciHigh == 0)
        #expect(comparison.pairedTurns == 40 && comparison.warnings.isEmpty)
    }
}
