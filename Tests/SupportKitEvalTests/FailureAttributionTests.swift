import Foundation
import Testing
import SupportKit
import SupportKitEvalTesting
@testable import SupportKitEval

/// The per-turn check, the conversation pass rate and failure attribution: one turn built to fail at each stage.
@Suite struct FailureAttributionTests {
    /// billing/refunds and billing/duplicate-charges exist (billing), account/password exists (account);
    /// billing/deleted was expected by the suite but is not in the knowledge base.
    static let knowledge = KnowledgeFacts(
        missingDocIds: ["billing/deleted"],
        categories: ["billing/refunds": "billing", "billing/duplicate-charges": "billing", "account/password": "account",
                     "account/email": "account"],
        tags: ["billing/refunds": ["money", "cards"], "account/password": ["login"]])

    /// A passing turn: every expectation holds.
    static func passing(_ conversation: String, _ index: Int) -> TurnRecord {
        makeRecord(conversation, index, intent: "problem", predicted: "problem", category: "billing", predictedCategory: "billing",
                   docs: ["billing/refunds"], ranked: ["billing/refunds"], escalate: false, escalated: false)
    }

    @Test func eachStageIsTheCauseWhenItIsTheFirstToBreak() {
        let k = Self.knowledge
        // Intent wrong (and retrieval too): the intent broke first.
        let intent = makeRecord("c", 0, intent: "problem", predicted: "question", docs: ["billing/refunds"], ranked: ["account/email"])
        #expect(TurnCheck.cause(of: intent, knowledge: k) == .intent)
        // Category wrong, the article exists in another category, and everything retrieved is in the predicted
        // category: the filter hid it.
        let filter = makeRecord("c", 1, category: "billing", predictedCategory: "account", docs: ["billing/refunds"],
                                ranked: ["account/password", "account/email"])
        #expect(TurnCheck.cause(of: filter, knowledge: k) == .categoryFilter)
        // Category wrong, but retrieval still found the article (or searched everywhere): a plain category miss.
        let category = makeRecord("c", 2, category: "billing", predictedCategory: "account", docs: ["billing/refunds"],
                                  ranked: ["billing/refunds"])
        #expect(TurnCheck.cause(of: category, knowledge: k) == .category)
        let unfiltered = makeRecord("c", 3, category: "billing", predictedCategory: "account", docs: ["billing/refunds"],
                                    ranked: ["account/password", "billing/duplicate-charges"])
        #expect(TurnCheck.cause(of: unfiltered, knowledge: k) == .category)
        // The expected article is not in the knowledge base.
        let gap = makeRecord("c", 4, docs: ["billing/deleted"], ranked: ["billing/refunds"])
        #expect(TurnCheck.cause(of: gap, knowledge: k) == .kbGap)
        // Present but ranked 6th.
        let rank = makeRecord("c", 5, docs: ["billing/refunds"],
                              ranked: ["a", "b", "c", "d", "e", "billing/refunds"])
        #expect(TurnCheck.cause(of: rank, knowledge: k) == .retrievalRank)
        // Without knowledge facts (eval --target) a miss is never called a gap.
        #expect(TurnCheck.cause(of: gap, knowledge: nil) == .retrievalRank)
        // Escalation, both ways.
        #expect(TurnCheck.cause(of: makeRecord("c", 6, escalate: true, escalated: false), knowledge: k) == .escalationMissed)
        #expect(TurnCheck.cause(of: makeRecord("c", 7, escalate: false, escalated: true), knowledge: k) == .escalationFalseAlarm)
        // A passing turn and an unmeasured one have no cause.
        #expect(TurnCheck.cause(of: Self.passing("c", 8), knowledge: k) == nil)
        #expect(TurnCheck.cause(of: makeRecord("c", 9, intent: "problem", status: .timeout), knowledge: k) == nil)
    }

    /// Kinds that plug in (answer checks, small talk, out of scope) are judged and attributed like the built-in
    /// ones, in pipeline order: scope before intent, the answer last.
    @Test func pluggedInKindsAreAttributedInPipelineOrder() {
        let smallTalk = ExpectationKind(name: "small_talk") { _, prediction in
            [ExpectationResult(field: "small_talk", held: prediction.answer != "not small talk", detail: "small_talk: expected true, got false", cause: .smallTalk)]
        }
        let outOfScope = ExpectationKind(name: "out_of_scope") { _, prediction in
            [ExpectationResult(field: "out_of_scope", held: prediction.answer != "in scope", detail: "out_of_scope: expected true, got false", cause: .outOfScope)]
        }
        let answer = ExpectationKind(name: "answer") { _, prediction in
            [ExpectationResult(field: "answer.contains", held: prediction.answer.contains("refund"), detail: "answer.contains: \"refund\" missing", cause: .answer)]
        }
        let kinds = [outOfScope, smallTalk] + TurnCheck.kinds + [answer]
        var record = makeRecord("c", 0, intent: "problem", predicted: "question")
        record.prediction?.answer = "in scope"
        #expect(TurnCheck.cause(of: record, knowledge: nil, kinds: kinds) == .outOfScope)
        record.prediction?.answer = "not small talk"
        #expect(TurnCheck.cause(of: record, knowledge: nil, kinds: kinds) == .smallTalk)
        record.prediction?.answer = "no"
        #expect(TurnCheck.cause(of: record, knowledge: nil, kinds: kinds) == .intent)
        record.prediction?.intent = "problem"
        #expect(TurnCheck.cause(of: record, knowledge: nil, kinds: kinds) == .answer)
        #expect(TurnCheck.results(for: record, kinds: kinds).filter { !$0.held }.map(\.detail) == ["answer.contains: \"refund\" missing"])
        record.prediction?.answer = "your refund"
        #expect(TurnCheck.cause(of: record, knowledge: nil, kinds: kinds) == nil)
    }

    @Test func everyFailingTurnIsCountedOnceAndTheCountsAddUp() {
        let records = [
            Self.passing("a", 0),
            makeRecord("b", 0, intent: "problem", predicted: "question", escalate: true, escalated: false, user: "two broken"),
            makeRecord("b", 1, docs: ["billing/deleted"], ranked: ["billing/refunds"], user: "I was charged twice"),
            makeRecord("c", 0, docs: ["billing/deleted"], ranked: [], user: "Double charge on my card"),
            makeRecord("c", 1, docs: ["billing/refunds"], ranked: ["a", "b", "c", "d", "e", "f"], user: "Refund please"),
            makeRecord("d", 0, escalate: true, escalated: false, status: .error),
        ]
        let report = FailureReport(records: records, knowledge: Self.knowledge)
        #expect(report.turnCount == 4)
        #expect(report.byCause == ["kb_gap": 2, "intent": 1, "retrieval_rank": 1])
        #expect(report.groups.map(\.cause) == [.kbGap, .intent, .retrievalRank])   // by count, then pipeline order
        let gap = report.groups[0]
        #expect(gap.topics.map(\.article) == ["billing/deleted"])
        #expect(gap.topics[0].turns.map(\.user) == ["I was charged twice", "Double charge on my card"])
        // Conversations most broken first: b broke 3 expectations, c 2.
        #expect(report.conversations.map(\.id) == ["b", "c"])
        #expect(report.conversations.map(\.brokenExpectations) == [3, 2])
        let output = FailuresOutput(report)
        #expect(output.turns == 4 && output.byCause.values.reduce(0, +) == 4)
        #expect(output.byCause.count == FailureCause.allCases.count)
        let lines = report.lines()
        #expect(lines[0] == "what to fix: 4 failing turns, by the first stage that broke")
        #expect(lines.contains("     2  kb_gap: expected article not in the knowledge base"))
        #expect(lines.contains("        billing/deleted (2): \"I was charged twice\", \"Double charge on my card\""))
    }

    @Test func conversationPassRateJudgesWholeConversationsWithAnInterval() throws {
        let records = [
            Self.passing("pass", 0), Self.passing("pass", 1),
            Self.passing("fail", 0), makeRecord("fail", 1, escalate: true, escalated: false),
            // A timed-out turn and no failing one: the outcome is unknown, the conversation is not judged.
            Self.passing("unknown", 0), makeRecord("unknown", 1, status: .timeout),
            // A failing turn decides even with an unmeasured one.
            makeRecord("fail-too", 0, intent: "problem", predicted: "question"), makeRecord("fail-too", 1, status: .error),
        ] + (0..<6).map { Self.passing("more-\($0)", 0) }
        let metrics = EvalMetrics.compute(records: records, bootstrap: Bootstrap(resamples: 200, seed: 7))
        let rate = try #require(metrics.metrics[MetricName.conversationPassRate])
        #expect(rate.n == 9)
        #expect(rate.value == 7.0 / 9.0)
        let low = try #require(rate.ciLow), high = try #require(rate.ciHigh)
        #expect(low < 7.0 / 9.0 && high <= 1 && low >= 0)
        #expect(MetricName.headline.first == MetricName.conversationPassRate)
        #expect(MetricName.all.first == MetricName.conversationPassRate)
        #expect(try GateRule.parse("conversation_pass_rate=0.8", flag: "--fail-under").evaluate(metrics: metrics.metrics, comparison: nil).passed == false)
    }

    @Test func oneDeclarationDrivesNamesTitlesAndHelp() {
        #expect(MetricName.definitions.map(\.name) == MetricName.all)
        #expect(Set(MetricName.all).count == MetricName.all.count)
        #expect(MetricName.title(of: "recall@5") == "Recall@5")
        #expect(MetricName.title(of: MetricName.conversationPassRate) == "Conversation pass rate")
        #expect(MetricName.isLowerBetter(MetricName.latencyP95) && !MetricName.isRate(MetricName.latencyP95))
        #expect(MetricName.helpList.hasPrefix("conversation_pass_rate, intent_accuracy, intent_macro_f1, intent_ece"))
        #expect(MetricName.helpList.contains("recall@K, hit@K, mrr@K, ndcg@K") && MetricName.helpList.hasSuffix("(K = 1, 3, 5, 10)"))
        // Every metric a run computes is declared, and every declared metric is computed.
        let computed = EvalMetrics.compute(records: [Self.passing("a", 0)], bootstrap: nil).metrics
        #expect(Set(computed.keys) == Set(MetricName.all))
    }

    @Test func causesThatGrewSinceTheBaseline() {
        // The baseline found billing/deleted for a and b; it has been deleted since, and c's intent got fixed.
        let baseline = [
            makeRecord("a", 0, docs: ["billing/deleted"], ranked: ["billing/deleted"]),
            makeRecord("b", 0, docs: ["billing/deleted"], ranked: ["billing/deleted"]),
            makeRecord("c", 0, intent: "problem", predicted: "question"),
        ]
        let current = [
            makeRecord("a", 0, docs: ["billing/deleted"], ranked: ["billing/refunds"]),
            makeRecord("b", 0, docs: ["billing/deleted"], ranked: []),
            makeRecord("c", 0, intent: "problem", predicted: "problem"),
        ]
        var info = ReportTestRuns.info("now")
        info.knowledge = Self.knowledge
        let comparison = BaselineComparison.compare(current: current, currentInfo: info, baseline: baseline,
                                                    baselineInfo: ReportTestRuns.info("before"), bootstrap: Bootstrap(resamples: 50))
        #expect(comparison.grownCauses == [CauseChange(cause: .kbGap, baseline: 0, current: 2)])
        #expect(comparison.causeChanges.contains(CauseChange(cause: .intent, baseline: 1, current: 0)))
        #expect(comparison.grownCauses.map(\.summary) == ["kb_gap 0 -> 2 (+2)"])
        #expect(comparison.regressedConversations.map(\.conversation) == ["a", "b"])
    }
}

/// Run records for comparisons.
enum ReportTestRuns {
    static func info(_ id: String) -> RunInfo {
        RunInfo(id: id, startedAt: Date(timeIntervalSince1970: 0), status: .complete, suiteHash: "h", suitePaths: ["evals"],
                conversationCount: 3, turnCount: 3, fingerprints: [:], seed: 42, concurrency: 1, turnTimeout: 30)
    }
}
