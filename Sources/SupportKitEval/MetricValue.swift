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

/// One metric, declared once: its name, how people read it, and which way is better. `MetricName.all`, the
/// headline list, the CLI help, the report's titles, the gates' range checks and the JSON keys all follow from
/// `MetricName.definitions`.
public struct MetricDefinition: Sendable, Hashable {
    /// The name metrics are stored, gated and printed under (`intent_accuracy`).
    public var name: String
    /// A title for people (`Intent accuracy`).
    public var title: String
    /// A rate from 0 to 1 (printed as a percentage), or milliseconds.
    public var isRate: Bool
    /// Whether a smaller value is better (latencies, calibration error): a regression is then an increase.
    public var isLowerBetter: Bool
    /// Whether summaries and reports show it first.
    public var isHeadline: Bool

    /// A metric's declaration.
    public init(_ name: String, _ title: String, isRate: Bool = true, isLowerBetter: Bool = false, isHeadline: Bool = false) {
        self.name = name
        self.title = title
        self.isRate = isRate
        self.isLowerBetter = isLowerBetter
        self.isHeadline = isHeadline
    }
}

/// The names metrics are stored, gated and printed under.
public enum MetricName {
    /// Conversations whose every turn met every expectation / conversations judged (fully measured, or with a
    /// failing turn).
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

    /// Mean faithfulness the LLM judge (`eval.judge`) gave the answers, in [0, 1]; undefined without a judge.
    public static let judgeFaithfulness = "judge_faithfulness"
    /// Mean relevance to the question the LLM judge gave the answers.
    public static let judgeRelevance = "judge_relevance"
    /// Answers where the judge (faithful at 0.5) and the offline checker (no unsupported claim) agree / answers both
    /// judged.
    public static let judgeAgreement = "judge_agreement"

    /// Turns the LLM classifier (`assistant.classifier.kind: llm`) could not classify, so the local classifier
    /// answered (timeout, HTTP error, an answer without usable labels) / turns sent to it; lower is better;
    /// undefined without an LLM classifier. Each such turn's `classifier` names the reason.
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
        MetricDefinition(conversationPassRate, "Conversation pass rate", isHeadline: true),
        MetricDefinition(intentAccuracy, "Intent accuracy", isHeadline: true),
        MetricDefinition(intentMacroF1, "Intent macro-F1", isHeadline: true),
        MetricDefinition(intentECE, "Intent calibration error", isLowerBetter: true),
        MetricDefinition(categoryAccuracy, "Category accuracy", isHeadline: true),
        MetricDefinition(categoryMacroF1, "Category macro-F1"),
    ]
        + retrievalCutoffs.map { MetricDefinition(recall(at: $0), "Recall@\($0)", isHeadline: $0 == 5) }
        + retrievalCutoffs.map { MetricDefinition(hit(at: $0), "Hit@\($0)") }
        + retrievalCutoffs.map { MetricDefinition(mrr(at: $0), "MRR@\($0)", isHeadline: $0 == 10) }
        + retrievalCutoffs.map { MetricDefinition(ndcg(at: $0), "nDCG@\($0)", isHeadline: $0 == 10) }
        + [
            MetricDefinition(escalationPrecision, "Escalation precision"),
            MetricDefinition(escalationRecall, "Escalation recall"),
            MetricDefinition(escalationF1, "Escalation F1", isHeadline: true),
            MetricDefinition(answerPassRate, "Answer pass rate", isHeadline: true),
            MetricDefinition(answerGroundedness, "Answer groundedness", isHeadline: true),
            MetricDefinition(answerUnsupportedRate, "Answers with unsupported claims", isLowerBetter: true, isHeadline: true),
            MetricDefinition(answerRepetitionRate, "Repeated replies", isLowerBetter: true),
            MetricDefinition(answerMarkupRate, "Replies with leftover markup", isLowerBetter: true),
            MetricDefinition(judgeFaithfulness, "Judge: faithfulness"),
            MetricDefinition(judgeRelevance, "Judge: relevance"),
            MetricDefinition(judgeAgreement, "Judge agrees with the checker"),
            MetricDefinition(llmFallbackRate, "LLM classifier fell back", isLowerBetter: true),
            MetricDefinition(latencyP50, "Latency p50", isRate: false, isLowerBetter: true),
            MetricDefinition(latencyP95, "Latency p95", isRate: false, isLowerBetter: true, isHeadline: true),
            MetricDefinition(latencyP99, "Latency p99", isRate: false, isLowerBetter: true),
        ]

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
}
