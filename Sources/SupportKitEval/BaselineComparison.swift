import Foundation

/// A metric's change from a baseline run, over the turns both runs measured.
public struct MetricDelta: Sendable, Hashable, Codable {
    /// The metric name (see `MetricName`).
    public var name: String
    /// The metric over the paired turns of this run.
    public var current: Double?
    /// The metric over the same turns of the baseline.
    public var baseline: Double?
    /// `current - baseline`; nil when either is undefined.
    public var delta: Double?
    /// 95% paired-bootstrap interval of the delta.
    public var ciLow: Double?
    /// Upper end of the interval.
    public var ciHigh: Double?
}

/// How many paired turns failed at one cause in the baseline and now.
public struct CauseChange: Sendable, Hashable, Codable {
    /// The cause.
    public var cause: FailureCause
    /// Failing turns attributed to it in the baseline.
    public var baseline: Int
    /// Failing turns attributed to it now.
    public var current: Int

    /// `kb_gap 0 -> 3 (+3)`.
    public var summary: String { "\(cause.rawValue) \(baseline) -> \(current) (\(current - baseline > 0 ? "+" : "")\(current - baseline))" }
}

/// How a run differs from a baseline run, turn for turn.
///
/// Turns are paired by (conversation id, turn index) and only pairs measured in both runs count, so a
/// timeout in one run cannot masquerade as a change. The interval comes from resampling the shared
/// conversations with the same draw for both runs, which cancels the variation the runs have in common.
public struct BaselineComparison: Sendable, Hashable, Codable {
    /// The baseline run id.
    public var baselineRun: String
    /// Conversations with at least one turn measured in both runs.
    public var pairedConversations: Int
    /// Turns measured in both runs, paired by (conversation id, turn index).
    public var pairedTurns: Int
    /// Keyed by metric name.
    public var deltas: [String: MetricDelta]
    /// Why the runs may not be comparable (a different suite); shown as warnings.
    public var warnings: [String]
    /// Fingerprint changes between the runs (embedder, classifier, commit), for context.
    public var changes: [String]
    /// Conversations that went from pass to fail (first) or from fail to pass, with the expectations involved.
    public var conversationChanges: [ConversationChange] = []
    /// Failure causes whose count of failing turns changed over the paired turns, in pipeline order.
    public var causeChanges: [CauseChange] = []

    /// The failure causes with more failing turns now than in the baseline.
    public var grownCauses: [CauseChange] { causeChanges.filter { $0.current > $0.baseline } }

    /// The conversations that passed in the baseline and fail now.
    public var regressedConversations: [ConversationChange] { conversationChanges.filter { $0.direction == .regressed } }
    /// The conversations that failed in the baseline and pass now.
    public var fixedConversations: [ConversationChange] { conversationChanges.filter { $0.direction == .fixed } }

    /// Compares `current` with `baseline`.
    public static func compare(
        current: [TurnRecord], currentInfo: RunInfo, baseline: [TurnRecord], baselineInfo: RunInfo,
        bootstrap: Bootstrap = Bootstrap()
    ) -> BaselineComparison {
        struct Key: Hashable { var conversation: String; var turn: Int }
        let baselineMeasured = Dictionary(
            baseline.filter(\.isMeasured).map { (Key(conversation: $0.conversationId, turn: $0.turnIndex), $0) },
            uniquingKeysWith: { first, _ in first })
        var pairedCurrent: [TurnRecord] = []
        var pairedBaseline: [TurnRecord] = []
        for record in current where record.isMeasured {
            guard let old = baselineMeasured[Key(conversation: record.conversationId, turn: record.turnIndex)] else { continue }
            pairedCurrent.append(record)
            // Score the baseline's reply against the current labels, so a relabeled turn is judged alike.
            var aligned = old
            aligned.expected = record.expected
            pairedBaseline.append(aligned)
        }
        let conversations = EvalMetrics.orderedConversationIds(pairedCurrent)
        let labels = EvalMetrics.labelSets(pairedCurrent + pairedBaseline)
        let now = ScoreTable(records: pairedCurrent, conversationIds: conversations,
                             intentLabels: labels.intents, categoryLabels: labels.categories)
        let before = ScoreTable(records: pairedBaseline, conversationIds: conversations,
                                intentLabels: labels.intents, categoryLabels: labels.categories)
        let nowMetrics = now.metrics(weights: nil), beforeMetrics = before.metrics(weights: nil)
        let intervals = bootstrap.pairedIntervals(current: now, baseline: before)
        var deltas: [String: MetricDelta] = [:]
        for name in MetricName.all {
            let value = nowMetrics[name]?.value, old = beforeMetrics[name]?.value
            let delta = value.flatMap { value in old.map { value - $0 } }
            deltas[name] = MetricDelta(
                name: name, current: value, baseline: old, delta: delta,
                ciLow: delta == nil ? nil : intervals[name]?.low, ciHigh: delta == nil ? nil : intervals[name]?.high)
        }
        var warnings = baselineInfo.incompatibilities(with: currentInfo).map {
            "baseline \(baselineInfo.id) evaluated a different suite (\($0)); only turns with the same conversation id and turn index are compared"
        }
        if pairedCurrent.count < current.filter(\.isMeasured).count {
            warnings.append("\(current.filter(\.isMeasured).count - pairedCurrent.count) measured turns have no measured counterpart in \(baselineInfo.id) and are left out of the comparison")
        }
        let causesNow = FailureReport(records: pairedCurrent, knowledge: currentInfo.knowledge).byCause
        let causesThen = FailureReport(records: pairedBaseline, knowledge: baselineInfo.knowledge ?? currentInfo.knowledge).byCause
        let causeChanges = FailureCause.allCases.compactMap { cause -> CauseChange? in
            let before = causesThen[cause.rawValue] ?? 0, after = causesNow[cause.rawValue] ?? 0
            return before == after ? nil : CauseChange(cause: cause, baseline: before, current: after)
        }
        return BaselineComparison(
            baselineRun: baselineInfo.id, pairedConversations: conversations.count, pairedTurns: pairedCurrent.count,
            deltas: deltas, warnings: warnings, changes: baselineInfo.fingerprintChanges(to: currentInfo),
            conversationChanges: ConversationChange.between(current: pairedCurrent, baseline: pairedBaseline),
            causeChanges: causeChanges)
    }
}
