import Foundation

/// One bin of the reliability table: turns whose intent confidence falls in `[lower, upper)`
/// (the last bin includes 1.0).
public struct ReliabilityBin: Sendable, Hashable, Codable {
    /// Lower edge of the bin (inclusive).
    public var lower: Double
    /// Upper edge of the bin (exclusive, except 1.0 for the last bin).
    public var upper: Double
    /// Turns in the bin.
    public var count: Int
    /// Mean confidence of the bin's turns; nil for an empty bin.
    public var meanConfidence: Double?
    /// Fraction of the bin's turns whose intent was right; nil for an empty bin.
    public var accuracy: Double?

    /// The bin (0...9) a confidence in [0, 1] falls into.
    public static func index(for confidence: Double) -> Int {
        min(max(Int((confidence * 10).rounded(.down)), 0), 9)
    }
}

/// Precision, recall and F1 of one class.
public struct ClassRow: Sendable, Hashable, Codable {
    /// The class label.
    public var label: String
    /// Turns expected to have this label.
    public var support: Int
    /// Turns predicted with this label.
    public var predicted: Int
    /// tp / predicted; nil when the class was never predicted (undefined, shown as a dash).
    public var precision: Double?
    /// tp / support; nil when the class was never expected.
    public var recall: Double?
    /// 2tp / (2tp + fp + fn); 0 when expected but never predicted right; nil when neither expected nor
    /// predicted.
    public var f1: Double?
}

/// A confusion matrix with per-class rows.
public struct ClassReport: Sendable, Hashable, Codable {
    /// Row and column labels (expected down, predicted across).
    public var labels: [String]
    /// `matrix[expected][predicted]` turn counts.
    public var matrix: [[Int]]
    /// One row per label, in `labels` order.
    public var rows: [ClassRow]

    init(labels: [String], pairs: [(expected: String, predicted: String)]) {
        let index = Dictionary(labels.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var matrix = [[Int]](repeating: [Int](repeating: 0, count: labels.count), count: labels.count)
        for pair in pairs {
            guard let e = index[pair.expected], let p = index[pair.predicted] else { continue }
            matrix[e][p] += 1
        }
        self.labels = labels
        self.matrix = matrix
        rows = labels.enumerated().map { c, label in
            let tp = matrix[c][c]
            let support = matrix[c].reduce(0, +)
            let predicted = matrix.reduce(0) { $0 + $1[c] }
            let fp = predicted - tp, fn = support - tp
            return ClassRow(
                label: label, support: support, predicted: predicted,
                precision: predicted > 0 ? Double(tp) / Double(predicted) : nil,
                recall: support > 0 ? Double(tp) / Double(support) : nil,
                f1: 2 * tp + fp + fn > 0 ? Double(2 * tp) / Double(2 * tp + fp + fn) : nil)
        }
    }
}

/// When a conversation escalated compared with when it should have.
public enum EscalationOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    /// First escalation at the first turn labeled `escalate: true`.
    case onTime = "on_time"
    /// Escalated before the first turn that should escalate.
    case early
    /// Escalated, but after the first turn that should escalate.
    case late
    /// Should have escalated and never did.
    case missed
    /// Every labeled turn says no escalation, yet it escalated.
    case falseAlarm = "false_alarm"
    /// No escalation expected and none happened.
    case quiet
    /// A turn could not be measured, so the escalation sequence is unknown.
    case unmeasured

    /// Whether the outcome is what a good assistant does.
    public var isCorrect: Bool { self == .onTime || self == .quiet }
}

/// The escalation outcome of one conversation (only conversations with a turn labeled `escalate`).
public struct ConversationOutcome: Sendable, Hashable, Codable {
    /// The conversation.
    public var conversationId: String
    /// How its escalation went.
    public var outcome: EscalationOutcome
    /// The first turn labeled `escalate: true`, 0-based.
    public var expectedTurn: Int?
    /// The first turn where the assistant escalated, 0-based.
    public var escalatedTurn: Int?
}

/// Turn-level escalation counts over turns labeled `escalate`.
public struct EscalationCounts: Sendable, Hashable, Codable {
    /// Escalated and should have.
    public var truePositives = 0
    /// Escalated but should not have.
    public var falsePositives = 0
    /// Should have escalated and did not.
    public var falseNegatives = 0
    /// Correctly did not escalate.
    public var trueNegatives = 0
}

/// Latency percentiles of one stage (or `total`, the end-to-end time the runner measured).
public struct LatencySummary: Sendable, Hashable, Codable {
    /// `total`, `classify`, `memory`, `retrieve` or `respond`.
    public var stage: String
    /// Median, nearest-rank, in milliseconds; nil without measured turns.
    public var p50: Double?
    /// 95th percentile, nearest-rank.
    public var p95: Double?
    /// 99th percentile, nearest-rank.
    public var p99: Double?
    /// Arithmetic mean.
    public var mean: Double?
    /// Measured turns.
    public var n: Int
}

/// Metrics restricted to turns with one expected category or intent.
public struct SliceRow: Sendable, Hashable, Codable {
    /// `category` or `intent`.
    public var dimension: String
    /// The category or intent of the slice.
    public var label: String
    /// Measured turns in the slice.
    public var turns: Int
    /// Intent accuracy within the slice.
    public var intentAccuracy: MetricValue
    /// Category accuracy within the slice.
    public var categoryAccuracy: MetricValue
    /// Mean recall@5 within the slice.
    public var recallAt5: MetricValue
    /// Share of labeled turns whose escalation decision was right.
    public var escalationAccuracy: MetricValue
}

/// One point of the recall@k curve.
public struct CurvePoint: Sendable, Hashable, Codable {
    /// The cut-off.
    public var k: Int
    /// Mean recall@k over turns labeled with docs.
    public var recall: Double
    /// Share of those turns with a relevant document in the top k.
    public var hit: Double
}
