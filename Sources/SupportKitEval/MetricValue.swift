/// One metric's value with its 95% bootstrap interval and the number of items it was computed over.
public struct MetricValue: Sendable, Hashable, Codable {
    /// The point estimate; nil when the metric is undefined (no labeled turns, nothing predicted).
    public var value: Double?
    /// Lower end of the confidence interval; nil when no interval was computed or it is undefined.
    public var ciLow: Double?
    /// Upper end of the confidence interval.
    public var ciHigh: Double?
    /// How many items the value averages over (labeled turns, escalations predicted, measured turns).
    public var n: Int

    /// A value, its interval when known, and its count.
    public init(value: Double?, ciLow: Double? = nil, ciHigh: Double? = nil, n: Int) {
        self.value = value
        self.ciLow = ciLow
        self.ciHigh = ciHigh
        self.n = n
    }
}

/// The names metrics are stored, gated and printed under.
public enum MetricName {
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

    /// Turns whose answer expectations (`expect.answer`, `small_talk`, `out_of_scope`) all hold / turns with any.
    public static let answerPassRate = "answer_pass_rate"
    /// Mean groundedness score of the answers against the chunks retrieval returned (offline checker).
    public static let answerGroundedness = "answer_groundedness"
    /// Answers with at least one claim the retrieved chunks do not support / answers checked; lower is better.
    public static let answerUnsupportedRate = "answer_unsupported_rate"
    /// Replies that repeat an earlier reply of the same conversation / replies; lower is better.
    public static let answerRepetitionRate = "answer_repetition_rate"
    /// Replies with leftover template or HTML markup (`{%`, `{{`, `{:`, `&rarr;`) / replies; lower is better.
    public static let answerMarkupRate = "answer_markup_rate"
    /// The answer metrics.
    public static let answerMetrics = [answerPassRate, answerGroundedness, answerUnsupportedRate, answerRepetitionRate,
                                       answerMarkupRate]

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

    /// Every metric a run computes, in display order.
    public static let all: [String] = [intentAccuracy, intentMacroF1, intentECE, categoryAccuracy, categoryMacroF1]
        + retrievalCutoffs.map(recall(at:)) + retrievalCutoffs.map(hit(at:)) + retrievalCutoffs.map(mrr(at:))
        + retrievalCutoffs.map(ndcg(at:))
        + [escalationPrecision, escalationRecall, escalationF1] + answerMetrics + [latencyP50, latencyP95, latencyP99]

    /// The metrics shown first in reports and summaries.
    public static let headline: [String] = [
        intentAccuracy, intentMacroF1, categoryAccuracy, recall(at: 5), mrr(at: 10), ndcg(at: 10),
        escalationF1, answerPassRate, answerGroundedness, answerUnsupportedRate, latencyP95,
    ]

    /// Whether a smaller value is better (latencies, calibration error): a regression is then an increase.
    public static func isLowerBetter(_ name: String) -> Bool {
        name.hasPrefix("latency_") || name == intentECE || name == answerUnsupportedRate || name == answerRepetitionRate
            || name == answerMarkupRate
    }

    /// Whether `name` is a metric that runs compute.
    public static func isKnown(_ name: String) -> Bool { all.contains(name) }

    /// Whether values are rates in [0, 1] (printed as percentages) rather than milliseconds.
    public static func isRate(_ name: String) -> Bool { !name.hasPrefix("latency_") }
}
