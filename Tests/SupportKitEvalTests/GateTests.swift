import Foundation
import Testing
import SupportKit
@testable import SupportKitEval

@Suite struct GateTests {
    @Test func parsesRulesAndExplainsBadOnes() throws {
        #expect(try GateRule.parse("intent_accuracy=0.85", flag: "--fail-under") == GateRule(metric: "intent_accuracy", kind: .failUnder(0.85)))
        #expect(try GateRule.parse("recall@5 = 0.02", flag: "--max-regression") == GateRule(metric: "recall@5", kind: .maxRegression(0.02)))
        #expect(throws: SupportKitError.self) { try GateRule.parse("intent_accuracy", flag: "--fail-under") }
        do {
            _ = try GateRule.parse("accuracy=0.8", flag: "--fail-under")
            Issue.record("an unknown metric must be refused")
        } catch {
            #expect(error.message.hasPrefix("--fail-under accuracy=0.8: unknown metric \"accuracy\"; expected one of conversation_pass_rate, intent_accuracy, intent_macro_f1"))
        }
        #expect(throws: SupportKitError.self) { try GateRule.parse("recall@5=abc", flag: "--fail-under") }
        #expect(throws: SupportKitError.self) { try GateRule.parse("recall@5=-0.1", flag: "--max-regression") }
    }

    @Test func failUnderComparesThePointEstimate() {
        let metrics = ["intent_accuracy": MetricValue(value: 0.84, ciLow: 0.8, ciHigh: 0.9, n: 100)]
        let pass = GateRule(metric: "intent_accuracy", kind: .failUnder(0.84)).evaluate(metrics: metrics, comparison: nil)
        #expect(pass == GateResult(rule: "fail-under intent_accuracy=0.84", passed: true, detail: "intent_accuracy = 0.8400 >= 0.84"))
        let fail = GateRule(metric: "intent_accuracy", kind: .failUnder(0.85)).evaluate(metrics: metrics, comparison: nil)
        #expect(fail == GateResult(rule: "fail-under intent_accuracy=0.85", passed: false, detail: "intent_accuracy = 0.8400 < 0.85"))
        let missing = GateRule(metric: "recall@5", kind: .failUnder(0.5)).evaluate(metrics: metrics, comparison: nil)
        #expect(!missing.passed && missing.detail == "recall@5 has no value (no labeled, measured turns)")
    }

    func comparison(_ name: String, delta: Double, low: Double, high: Double) -> BaselineComparison {
        BaselineComparison(baselineRun: "base", pairedConversations: 10, pairedTurns: 20,
                           deltas: [name: MetricDelta(name: name, current: 0.5, baseline: 0.5 - delta, delta: delta, ciLow: low, ciHigh: high)],
                           warnings: [], changes: [])
    }

    @Test func aRegressionNeedsADropBeyondToleranceAndAnIntervalExcludingZero() {
        let rule = GateRule(metric: "intent_accuracy", kind: .maxRegression(0.02))
        // Beyond tolerance and clearly below zero: fails.
        let clear = rule.evaluate(metrics: [:], comparison: comparison("intent_accuracy", delta: -0.05, low: -0.08, high: -0.02))
        #expect(!clear.passed)
        #expect(clear.detail == "intent_accuracy changed -0.0500 [-0.0800, -0.0200] vs base: regression beyond 0.02 with an interval excluding 0")
        // Beyond tolerance but the interval includes zero: noise, passes.
        let noisy = rule.evaluate(metrics: [:], comparison: comparison("intent_accuracy", delta: -0.05, low: -0.12, high: 0.01))
        #expect(noisy.passed && noisy.detail.hasSuffix("drop beyond 0.02 but its interval includes 0"))
        // Significant but within tolerance: passes.
        #expect(rule.evaluate(metrics: [:], comparison: comparison("intent_accuracy", delta: -0.01, low: -0.015, high: -0.005)).passed)
        // Lower is better for latency: an increase is the regression.
        let latency = GateRule(metric: "latency_p95_ms", kind: .maxRegression(10))
        #expect(!latency.evaluate(metrics: [:], comparison: comparison("latency_p95_ms", delta: 40, low: 20, high: 60)).passed)
        #expect(latency.evaluate(metrics: [:], comparison: comparison("latency_p95_ms", delta: -40, low: -60, high: -20)).passed)
        // Without a baseline the gate cannot pass.
        #expect(!rule.evaluate(metrics: [:], comparison: nil).passed)
    }

    @Test func exitCodes() {
        #expect(EvalExitCode.forRun(gatesPassed: true, hadInputErrors: false) == 0)
        #expect(EvalExitCode.forRun(gatesPassed: false, hadInputErrors: false) == 1)
        #expect(EvalExitCode.forRun(gatesPassed: false, hadInputErrors: true) == 2)
        #expect(EvalExitCode.forRun(gatesPassed: true, hadInputErrors: true) == 2)
        #expect(SupportKitError(.unavailable, "store down").exitCode == EvalExitCode.unavailable)
    }
}
