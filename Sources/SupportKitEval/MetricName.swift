import SupportKit

/// One metric, declared once: its name, how people read it, which way is better, what it counts (the line the
/// help and docs/metrics.md show) and how a run counts it. `MetricName.all`, the headline list, the CLI help, the
/// report's titles, the gates' range checks, the score table's columns and the JSON keys all follow from
/// `MetricName.definitions`.
public struct MetricDefinition: Sendable {
    /// The name metrics are stored, gated and printed under (`intent_accuracy`).
    public var name: String
    /// A title for people (`Intent accuracy`).
    public var title: String
    /// What the value is, in one line: `correct intents / turns labeled with an intent`.
    public var summary: String
    /// A rate from 0 to 1 (printed as a percentage), or milliseconds.
    public var isRate: Bool
    /// Whether a smaller value is better (latencies, calibration error): a regression is then an increase.
    public var isLowerBetter: Bool
    /// Whether summaries and reports show it first.
    public var isHeadline: Bool
    /// How a run counts it.
    public var counting: MetricCounting

    /// A metric's declaration.
    public init(
        _ name: String, _ title: String, _ summary: String, isRate: Bool = true, isLowerBetter: Bool = false,
        isHeadline: Bool = false, counting: MetricCounting
    ) {
        self.name = name
        self.title = title
        self.summary = summary
        self.isRate = isRate
        self.isLowerBetter = isLowerBetter
        self.isHeadline = isHeadline
        self.counting = counting
    }
}

/// How a run counts a metric.
public enum MetricCounting: Sendable {
    /// A ratio summed over measured turns: each turn adds a part and a whole, or is not counted (nil). The value is
    /// the summed part over the summed whole, `n` the summed whole, undefined when nothing was counted; the
    /// bootstrap resamples conversations. A metric counted this way needs nothing but its declaration.
    case perTurn(@Sendable (MeasuredTurn) -> (part: Double, whole: Double)?)
    /// From statistics the score table keeps for it (confusion matrices, calibration bins, the escalation
    /// confusion, conversation outcomes, latencies), computed in `ScoreTable.metrics(weights:)`.
    case scoreTable
}

/// A measured turn, as per-turn metrics count it.
public struct MeasuredTurn: Sendable {
    /// The turn with what was expected of it.
    public let record: TurnRecord
    /// What the assistant did.
    public let prediction: Prediction
    /// Whether the reply repeats an earlier reply of the same conversation (lower-cased, white space collapsed).
    public let repeatsEarlierReply: Bool
    /// Where the expected documents ranked, for a turn labeled with a non-empty `docs`; nil otherwise. Built once
    /// per turn for every retrieval metric.
    public let ranking: RetrievalScores.Ranking?

    /// A measured turn and what its metrics need.
    public init(record: TurnRecord, prediction: Prediction, repeatsEarlierReply: Bool) {
        self.record = record
        self.prediction = prediction
        self.repeatsEarlierReply = repeatsEarlierReply
        ranking = record.expected.docs.flatMap { docs in
            docs.isEmpty ? nil : RetrievalScores.Ranking(ranked: prediction.rankedDocIds, relevant: Set(docs))
        }
    }

    /// What was expected of the turn.
    public var expected: Conversation.Expectation { record.expected }
    /// The answer review (checks, groundedness, judge), when answers were reviewed.
    public var review: AnswerReview? { prediction.answerReview }
}

/// The names metrics are stored, gated and printed under.
public enum MetricName {
    /// Conversations whose every turn met every expectation / conversations judged.
    public static let conversationPassRate = "conversation_pass_rate"
    /// Correct intents / turns labeled with an intent.
    public static let intentAccuracy = "intent_accuracy"
    /// Mean F1 over the intents that were expected.
    public static let intentMacroF1 = "intent_macro_f1"
    /// Expected calibration error of the intent confidence (10 bins); lower is better.
    public static let intentECE = "intent_ece"
    /// Correct categories / turns labeled with a category.
    public static let categoryAccuracy = "category_accuracy"
    /// Mean F1 over the categories that were expected.
    public static let categoryMacroF1 = "category_macro_f1"
    /// Escalated and expected / escalated, over turns labeled `escalate`.
    public static let escalationPrecision = "escalation_precision"
    /// Escalated and expected / expected.
    public static let escalationRecall = "escalation_recall"
    /// 2tp / (2tp + fp + fn) of the escalation decision.
    public static let escalationF1 = "escalation_f1"
    /// Median end-to-end turn latency in milliseconds; lower is better.
    public static let latencyP50 = "latency_p50_ms"
    /// 95th percentile turn latency.
    public static let latencyP95 = "latency_p95_ms"
    /// 99th percentile turn latency.
    public static let latencyP99 = "latency_p99_ms"
    /// Turns whose answer expectations all hold / turns with any.
    public static let answerPassRate = "answer_pass_rate"
    /// Mean groundedness score of the answers against the chunks retrieval returned (offline checker).
    public static let answerGroundedness = "answer_groundedness"
    /// Answers with at least one unsupported claim / answers checked; lower is better.
    public static let answerUnsupportedRate = "answer_unsupported_rate"
    /// Replies that repeat an earlier reply of the same conversation / replies; lower is better.
    public static let answerRepetitionRate = "answer_repetition_rate"
    /// Replies with leftover template or HTML markup / replies; lower is better.
    public static let answerMarkupRate = "answer_markup_rate"
    /// Mean faithfulness the LLM judge (`eval.judge`) gave the answers, in [0, 1].
    public static let judgeFaithfulness = "judge_faithfulness"
    /// Mean relevance to the question the LLM judge gave the answers.
    public static let judgeRelevance = "judge_relevance"
    /// Answers where the judge and the offline checker agree / answers both judged.
    public static let judgeAgreement = "judge_agreement"
    /// Turns the LLM classifier could not classify / turns sent to it; lower is better.
    public static let llmFallbackRate = "llm_fallback_rate"

    /// The cut-offs retrieval metrics are reported at.
    public static let retrievalCutoffs = [1, 3, 5, 10]

    /// `recall@k`: relevant documents in the top k / relevant documents.
    public static func recall(at k: Int) -> String { "recall@\(k)" }
    /// `hit@k`: 1 when a relevant document is in the top k.
    public static func hit(at k: Int) -> String { "hit@\(k)" }
    /// `mrr@k`: 1 / rank of the first relevant document in the top k.
    public static func mrr(at k: Int) -> String { "mrr@\(k)" }
    /// `ndcg@k` with binary gains.
    public static func ndcg(at k: Int) -> String { "ndcg@\(k)" }

    /// Every metric a run computes, in display order: the one list the rest derives from.
    public static let definitions: [MetricDefinition] = [
        MetricDefinition(
            conversationPassRate, "Conversation pass rate",
            "conversations whose every turn met every expectation / conversations judged", isHeadline: true, counting: .scoreTable),
        MetricDefinition(intentAccuracy, "Intent accuracy", "correct intents / turns labeled with an intent", isHeadline: true, counting: .scoreTable),
        MetricDefinition(intentMacroF1, "Intent macro-F1", "mean F1 over the intents that were expected", isHeadline: true, counting: .scoreTable),
        MetricDefinition(
            intentECE, "Intent calibration error", "expected calibration error of the intent confidence over 10 bins",
            isLowerBetter: true, counting: .scoreTable),
        MetricDefinition(
            categoryAccuracy, "Category accuracy", "correct categories / turns labeled with a category", isHeadline: true, counting: .scoreTable),
        MetricDefinition(categoryMacroF1, "Category macro-F1", "mean F1 over the categories that were expected", counting: .scoreTable),
    ]
        + retrievalCutoffs.map { k in
            MetricDefinition(
                recall(at: k), "Recall@\(k)", "expected documents in the top \(k) / expected documents, averaged over turns labeled with docs",
                isHeadline: k == 5, counting: retrieval(k) { $0.recall })
        }
        + retrievalCutoffs.map { k in
            MetricDefinition(
                hit(at: k), "Hit@\(k)", "turns with an expected document in the top \(k) / turns labeled with docs",
                counting: retrieval(k) { $0.hit })
        }
        + retrievalCutoffs.map { k in
            MetricDefinition(
                mrr(at: k), "MRR@\(k)", "1 / rank of the first expected document in the top \(k) (0 when none), averaged",
                isHeadline: k == 10, counting: retrieval(k) { $0.reciprocalRank })
        }
        + retrievalCutoffs.map { k in
            MetricDefinition(
                ndcg(at: k), "nDCG@\(k)", "normalized discounted cumulative gain of the top \(k), binary gains, averaged",
                isHeadline: k == 10, counting: retrieval(k) { $0.ndcg })
        }
        + [
            MetricDefinition(
                escalationPrecision, "Escalation precision", "turns escalated that should have been / turns escalated (labeled turns)",
                counting: .perTurn { turn in
                    guard let expected = turn.expected.escalate, turn.prediction.escalated else { return nil }
                    return (expected ? 1 : 0, 1)
                }),
            MetricDefinition(
                escalationRecall, "Escalation recall", "turns escalated that should have been / turns that should have been",
                counting: .perTurn { turn in
                    guard turn.expected.escalate == true else { return nil }
                    return (turn.prediction.escalated ? 1 : 0, 1)
                }),
            MetricDefinition(
                escalationF1, "Escalation F1", "2tp / (2tp + fp + fn) of the escalation decision; n counts every labeled turn",
                isHeadline: true, counting: .scoreTable),
            MetricDefinition(
                "handoff_rate", "Handed to a person",
                "measured turns the assistant handed to a person (escalated), labeled or not / measured turns: the load on the human queue",
                isLowerBetter: true, counting: .perTurn { turn in (turn.prediction.escalated ? 1 : 0, 1) }),
            MetricDefinition(
                answerPassRate, "Answer pass rate", "turns whose answer expectations all hold / turns with any", isHeadline: true,
                counting: .perTurn { turn in turn.review?.failures.map { ($0.isEmpty ? 1 : 0, 1) } }),
            MetricDefinition(
                answerGroundedness, "Answer groundedness", "mean groundedness of the answers against what retrieval returned (offline checker)",
                isHeadline: true, counting: .perTurn { turn in turn.review?.groundedness.map { ($0, 1) } }),
            MetricDefinition(
                answerUnsupportedRate, "Answers with unsupported claims", "answers with a claim the retrieved chunks do not support / answers checked",
                isLowerBetter: true, isHeadline: true,
                counting: .perTurn { turn in
                    guard let review = turn.review, review.groundedness != nil else { return nil }
                    return (review.unsupported.isEmpty ? 0 : 1, 1)
                }),
            MetricDefinition(
                answerRepetitionRate, "Repeated replies", "replies that repeat an earlier reply of the conversation / replies",
                isLowerBetter: true, counting: .perReply { turn in turn.repeatsEarlierReply }),
            MetricDefinition(
                answerMarkupRate, "Replies with leftover markup", "replies with leftover template or HTML markup (`{%`, `{{`, `&rarr;`) / replies",
                isLowerBetter: true, counting: .perReply { turn in !(turn.review?.markup.isEmpty ?? true) }),
            MetricDefinition(
                judgeFaithfulness, "Judge: faithfulness", "mean faithfulness the LLM judge (`eval.judge`) gave the answers",
                counting: .perTurn { turn in turn.review?.judge?.faithfulness.map { ($0, 1) } }),
            MetricDefinition(
                judgeRelevance, "Judge: relevance", "mean relevance to the question the LLM judge gave the answers",
                counting: .perTurn { turn in turn.review?.judge?.relevance.map { ($0, 1) } }),
            MetricDefinition(
                judgeAgreement, "Judge agrees with the checker",
                "answers where the judge (faithful at 0.5) and the offline checker (no unsupported claim) agree / answers both judged",
                counting: .perTurn { turn in
                    guard let review = turn.review, let judged = review.judge, judged.faithfulness != nil else { return nil }
                    return (judged.isFaithful == review.unsupported.isEmpty ? 1 : 0, 1)
                }),
            MetricDefinition(
                llmFallbackRate, "LLM classifier fell back", "turns the LLM classifier could not classify, so the local one answered / turns sent to it",
                isLowerBetter: true,
                counting: .perTurn { turn in LLMClassifierUse(turn.prediction.classifier).map { ($0.fellBack ? 1 : 0, 1) } }),
            MetricDefinition(latencyP50, "Latency p50", "median end-to-end turn latency, ms", isRate: false, isLowerBetter: true, counting: .scoreTable),
            MetricDefinition(
                latencyP95, "Latency p95", "95th percentile end-to-end turn latency, ms", isRate: false, isLowerBetter: true, isHeadline: true,
                counting: .scoreTable),
            MetricDefinition(latencyP99, "Latency p99", "99th percentile end-to-end turn latency, ms", isRate: false, isLowerBetter: true, counting: .scoreTable),
        ]

    /// A retrieval score at cut-off `k`, over the turns labeled with a non-empty `docs`.
    private static func retrieval(_ k: Int, _ score: @escaping @Sendable (RetrievalScores) -> Double) -> MetricCounting {
        .perTurn { turn in turn.ranking.map { (score($0.scores(at: k)), 1) } }
    }

    private static let byName = Dictionary(definitions.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

    /// Every metric a run computes, in display order.
    public static let all: [String] = definitions.map(\.name)

    /// The metrics shown first in reports and summaries, `conversation_pass_rate` first.
    public static let headline: [String] = definitions.filter(\.isHeadline).map(\.name)

    /// The declaration of `name`, nil for an unknown name.
    public static func definition(_ name: String) -> MetricDefinition? { byName[name] }

    /// The title of `name` for people (`Recall@5`); the name itself when unknown.
    public static func title(of name: String) -> String { byName[name]?.title ?? name }

    /// Whether a smaller value is better (latencies, calibration error): a regression is then an increase.
    public static func isLowerBetter(_ name: String) -> Bool { byName[name]?.isLowerBetter ?? false }

    /// Whether `name` is a metric that runs compute.
    public static func isKnown(_ name: String) -> Bool { byName[name] != nil }

    /// Whether values are rates in [0, 1] (printed as percentages) rather than milliseconds.
    public static func isRate(_ name: String) -> Bool { byName[name]?.isRate ?? !name.hasPrefix("latency_") }

    /// The metric names for help texts: `conversation_pass_rate, intent_accuracy, ..., recall@K, ... (K = 1, 3,
    /// 5, 10)`, the retrieval families written once.
    public static var helpList: String {
        var seen = Set<String>()
        let names = all.map { name in
            name.firstIndex(of: "@").map { String(name[..<$0]) + "@K" } ?? name
        }.filter { seen.insert($0).inserted }
        return names.joined(separator: ", ") + " (K = " + retrievalCutoffs.map(String.init).joined(separator: ", ") + ")"
    }

    /// The table of every metric docs/metrics.md shows (`| name | direction | what it is |`), retrieval families
    /// written once with K; a test keeps the docs equal to it.
    public static var docsTable: String {
        var lines = ["| metric | better | what it is |", "| --- | --- | --- |"]
        var seen = Set<String>()
        for definition in definitions {
            let family = definition.name.firstIndex(of: "@").map { String(definition.name[..<$0]) + "@K" }
            guard seen.insert(family ?? definition.name).inserted else { continue }
            let summary = family == nil
                ? definition.summary
                : definition.summary.replacingOccurrences(of: "top \(retrievalCutoffs[0])", with: "top K")
            lines.append("| `\(family ?? definition.name)` | \(definition.isLowerBetter ? "lower" : "higher") | \(summary) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension MetricCounting {
    /// A share of the measured replies with answer text: `holds` counts the reply in the part.
    static func perReply(_ holds: @escaping @Sendable (MeasuredTurn) -> Bool) -> MetricCounting {
        .perTurn { turn in turn.prediction.answer.isEmpty ? nil : (holds(turn) ? 1 : 0, 1) }
    }
}
