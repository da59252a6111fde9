import Foundation
import SupportKit
import SupportKitEvalTesting
import Testing
@testable import SupportKitEval

/// `llm_fallback_rate`: the share of turns sent to an LLM classifier that the local classifier answered instead.
struct LLMFallbackRateTests {
    func record(_ conversation: String, _ index: Int, classifier: String) -> TurnRecord {
        var record = makeRecord(conversation, index)
        record.prediction?.classifier = classifier
        return record
    }

    @Test func classifierStringsSayWhetherTheModelAnswered() {
        #expect(LLMClassifierUse("logreg@1:abc") == nil)
        #expect(LLMClassifierUse("llm:smol (not asked: logreg@1:abc)") == nil)
        let answered = LLMClassifierUse("llm:smol")
        #expect(answered?.fellBack == false && answered?.reason == nil)
        let fellBack = LLMClassifierUse("llm:smol (fallback: logreg@1:abc; http 503)")
        #expect(fellBack?.fellBack == true && fellBack?.reason == "http 503")
        // What the classifier writes is what evaluation reads.
        let written = LLMClassifierUse(LLMClassifierUse.fellBack(model: "smol", local: "logreg@1:abc", reason: "timeout"))
        #expect(written?.fellBack == true && written?.reason == "timeout")
        #expect(LLMClassifierUse(LLMClassifierUse.answered(model: "smol"))?.fellBack == false)
        #expect(LLMClassifierUse(LLMClassifierUse.notAsked(model: "smol", local: "logreg@1:abc")) == nil)
    }

    @Test func theRateCountsFallbacksOverTurnsSentToTheModel() {
        let records = [
            record("A", 0, classifier: "llm:smol"),
            record("A", 1, classifier: "llm:smol (fallback: logreg@1:abc; malformed)"),
            record("B", 0, classifier: "llm:smol (not asked: logreg@1:abc)"),
            record("B", 1, classifier: "llm:smol (fallback: logreg@1:abc; timeout)"),
        ]
        let metrics = EvalMetrics.compute(records: records, bootstrap: Bootstrap(resamples: 50)).metrics
        #expect(metrics[MetricName.llmFallbackRate]?.value == 2.0 / 3)
        #expect(metrics[MetricName.llmFallbackRate]?.n == 3)
        #expect(MetricName.isLowerBetter(MetricName.llmFallbackRate))

        let local = EvalMetrics.compute(records: [record("A", 0, classifier: "logreg@1:abc")], bootstrap: Bootstrap(resamples: 10)).metrics
        #expect(local[MetricName.llmFallbackRate]?.value == nil && local[MetricName.llmFallbackRate]?.n == 0)
    }

    @Test func predictionsCollapsedOntoOneLabelAreAWarning() {
        let expected = ["question", "problem", "action", "feedback", "escalate"]
        let collapsed = (0..<25).map { makeRecord("c\($0)", 0, intent: expected[$0 % 5], predicted: $0 == 0 ? "problem" : "action") }
        let warnings = EvalRunner.collapseWarnings(collapsed)
        #expect(warnings == ["intent predictions collapsed: \"action\" on 24 of 25 labeled turns, while the suite expects 5 different intents; the classifier is not telling them apart (check its model and prompt)"])
        // A classifier that mostly gets it right, or a suite that expects one label, is no collapse.
        let healthy = (0..<25).map { makeRecord("c\($0)", 0, intent: expected[$0 % 5], predicted: expected[$0 % 5]) }
        #expect(EvalRunner.collapseWarnings(healthy).isEmpty)
        let oneLabel = (0..<25).map { makeRecord("c\($0)", 0, intent: "question", predicted: "question") }
        #expect(EvalRunner.collapseWarnings(oneLabel).isEmpty)
    }
}
