import Foundation
import SupportKit

/// Additive per-conversation statistics from which every bootstrapped metric can be recomputed.
///
/// Each conversation becomes one row of counts and sums (a flat vector, laid out by `Layout`); a metric
/// for any multiset of conversations is a function of the weighted sum of their rows. That makes each
/// bootstrap resample one weighted vector sum instead of a rescoring of every turn. Latency percentiles
/// are not additive, so they keep the raw values, sorted once, with the conversation each came from.
struct ScoreTable: Sendable {
    /// Where each statistic sits in a row.
    struct Layout: Sendable {
        let intentLabels: [String]
        let categoryLabels: [String]
        static let bins = 10

        let intentLabeled = 0
        let intentCorrect = 1
        var intentConfusion: Int { 2 }
        var categoryLabeled: Int { intentConfusion + intentLabels.count * intentLabels.count }
        var categoryCorrect: Int { categoryLabeled + 1 }
        var categoryConfusion: Int { categoryCorrect + 1 }
        /// Per bin: count, summed confidence, summed correctness.
        var calibration: Int { categoryConfusion + categoryLabels.count * categoryLabels.count }
        var escalation: Int { calibration + Layout.bins * 3 }   // tp, fp, fn, tn
        /// Conversation judged (0 or 1), conversation passed (0 or 1).
        var conversation: Int { escalation + 4 }
        /// Per metric counted per turn (`MetricCounting.perTurn`), in declaration order: its part, its whole.
        var perTurn: Int { conversation + 2 }
        var width: Int { perTurn + 2 * ScoreTable.perTurnMetrics.count }
    }

    /// The metrics counted per turn, in declaration order, with how each is counted.
    static let perTurnMetrics: [(name: String, count: @Sendable (MeasuredTurn) -> (part: Double, whole: Double)?)] =
        MetricName.definitions.compactMap { definition in
            guard case .perTurn(let count) = definition.counting else { return nil }
            return (definition.name, count)
        }

    let layout: Layout
    /// Conversation ids, in row order.
    let conversationIds: [String]
    /// One row per conversation.
    let rows: [[Double]]
    /// End-to-end latencies of measured turns, ascending, with their conversation's row.
    let latencies: [(value: Double, row: Int)]

    /// Label sets are passed in so that a run and its baseline share one layout.
    init(records: [TurnRecord], conversationIds: [String], intentLabels: [String], categoryLabels: [String]) {
        let layout = Layout(intentLabels: intentLabels, categoryLabels: categoryLabels)
        self.layout = layout
        self.conversationIds = conversationIds
        let rowOf = Dictionary(conversationIds.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let intentIndex = Dictionary(intentLabels.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let categoryIndex = Dictionary(categoryLabels.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var rows = [[Double]](repeating: [Double](repeating: 0, count: layout.width), count: conversationIds.count)
        var latencies: [(value: Double, row: Int)] = []
        var failed = [Bool](repeating: false, count: conversationIds.count)
        var unmeasured = [Bool](repeating: false, count: conversationIds.count)
        var labeled = [Bool](repeating: false, count: conversationIds.count)
        let repeated = Self.repeatedReplies(records)
        for record in records {
            guard let row = rowOf[record.conversationId] else { continue }
            guard record.isMeasured, let prediction = record.prediction else {
                unmeasured[row] = true
                continue
            }
            let results = TurnCheck.results(for: record)
            if !results.isEmpty { labeled[row] = true }
            if results.contains(where: { !$0.held }) { failed[row] = true }
            latencies.append((record.latencyMs, row))
            if let expected = record.expected.intent, let e = intentIndex[expected], let p = intentIndex[prediction.intent] {
                let correct = expected == prediction.intent
                rows[row][layout.intentLabeled] += 1
                if correct { rows[row][layout.intentCorrect] += 1 }
                rows[row][layout.intentConfusion + e * intentLabels.count + p] += 1
                let confidence = min(max(prediction.confidence, 0), 1)
                let bin = ReliabilityBin.index(for: confidence)
                rows[row][layout.calibration + bin * 3] += 1
                rows[row][layout.calibration + bin * 3 + 1] += confidence
                if correct { rows[row][layout.calibration + bin * 3 + 2] += 1 }
            }
            if let expected = record.expected.category, let e = categoryIndex[expected],
               let p = categoryIndex[prediction.category ?? ScoreTable.noCategory] {
                rows[row][layout.categoryLabeled] += 1
                if expected == prediction.category { rows[row][layout.categoryCorrect] += 1 }
                rows[row][layout.categoryConfusion + e * categoryLabels.count + p] += 1
            }
            if let expected = record.expected.escalate {
                let slot = switch (expected, prediction.escalated) {
                case (true, true): 0
                case (false, true): 1
                case (true, false): 2
                case (false, false): 3
                }
                rows[row][layout.escalation + slot] += 1
            }
            let turn = MeasuredTurn(
                record: record, prediction: prediction,
                repeatsEarlierReply: repeated.contains(TurnKey(conversationId: record.conversationId, turnIndex: record.turnIndex)))
            for (index, metric) in Self.perTurnMetrics.enumerated() {
                guard let counted = metric.count(turn) else { continue }
                rows[row][layout.perTurn + 2 * index] += counted.part
                rows[row][layout.perTurn + 2 * index + 1] += counted.whole
            }
        }
        // A conversation fails when a measured turn fails; it passes when every turn was measured, at least one
        // expectation was checked, and all held; with an unmeasured turn and no failing one its outcome is unknown,
        // and with no expectation at all it is no test: neither is judged.
        for row in rows.indices where failed[row] || (!unmeasured[row] && labeled[row]) {
            rows[row][layout.conversation] = 1
            if !failed[row] { rows[row][layout.conversation + 1] = 1 }
        }
        self.rows = rows
        self.latencies = latencies.sorted { $0.value < $1.value || ($0.value == $1.value && $0.row < $1.row) }
    }

    /// The label a missing category prediction is counted under in the confusion matrix.
    static let noCategory = "(none)"

    /// A turn of a conversation.
    struct TurnKey: Hashable {
        var conversationId: String
        var turnIndex: Int
    }

    /// The measured turns whose reply repeats an earlier reply of the same conversation (compared lower-cased,
    /// white space collapsed): the customer was told the same thing again.
    static func repeatedReplies(_ records: [TurnRecord]) -> Set<TurnKey> {
        var repeated = Set<TurnKey>()
        for (conversationId, turns) in Dictionary(grouping: records.filter(\.isMeasured), by: \.conversationId) {
            var seen = Set<String>()
            for turn in turns.sorted(by: { $0.turnIndex < $1.turnIndex }) {
                guard let answer = turn.prediction?.answer, !answer.isEmpty else { continue }
                if !seen.insert(AnswerCheck.normalized(answer)).inserted {
                    repeated.insert(TurnKey(conversationId: conversationId, turnIndex: turn.turnIndex))
                }
            }
        }
        return repeated
    }

    /// Weighted sum of the rows; nil weights mean every conversation once.
    func aggregate(weights: [Double]?) -> [Double] {
        var total = [Double](repeating: 0, count: layout.width)
        for (index, row) in rows.enumerated() {
            let weight = weights?[index] ?? 1
            if weight == 0 { continue }
            for column in 0..<layout.width where row[column] != 0 { total[column] += weight * row[column] }
        }
        return total
    }

    /// Every bootstrapped metric for the conversations weighted by `weights` (nil: each once).
    func metrics(weights: [Double]?) -> [String: MetricValue] {
        let total = aggregate(weights: weights)
        var result: [String: MetricValue] = [:]
        result[MetricName.conversationPassRate] = Self.ratio(total[layout.conversation + 1], total[layout.conversation])
        let intentN = total[layout.intentLabeled]
        result[MetricName.intentAccuracy] = Self.ratio(total[layout.intentCorrect], intentN)
        result[MetricName.intentMacroF1] = Self.macroF1(total, offset: layout.intentConfusion, labels: layout.intentLabels.count)
        result[MetricName.intentECE] = calibrationError(total)
        result[MetricName.categoryAccuracy] = Self.ratio(total[layout.categoryCorrect], total[layout.categoryLabeled])
        result[MetricName.categoryMacroF1] = Self.macroF1(total, offset: layout.categoryConfusion, labels: layout.categoryLabels.count)
        let tp = total[layout.escalation], fp = total[layout.escalation + 1], fn = total[layout.escalation + 2]
        let tn = total[layout.escalation + 3]
        result[MetricName.escalationF1] = 2 * tp + fp + fn > 0
            ? MetricValue(value: 2 * tp / (2 * tp + fp + fn), n: Int(tp + fp + fn + tn))
            : MetricValue(value: nil, n: Int(tp + fp + fn + tn))
        for (index, metric) in Self.perTurnMetrics.enumerated() {
            result[metric.name] = Self.ratio(total[layout.perTurn + 2 * index], total[layout.perTurn + 2 * index + 1])
        }
        for (name, percent) in [(MetricName.latencyP50, 50.0), (MetricName.latencyP95, 95.0), (MetricName.latencyP99, 99.0)] {
            result[name] = percentile(percent, weights: weights)
        }
        return result
    }

    /// `part / whole`, undefined (nil) when nothing was counted.
    static func ratio(_ part: Double, _ whole: Double) -> MetricValue {
        MetricValue(value: whole > 0 ? part / whole : nil, n: Int(whole.rounded()))
    }

    /// Mean F1 over the classes that occur as expected labels; F1 = 2tp / (2tp + fp + fn), so a class
    /// that is expected but never predicted contributes 0, and a class never expected is left out.
    static func macroF1(_ total: [Double], offset: Int, labels: Int) -> MetricValue {
        var sum = 0.0
        var classes = 0
        var n = 0.0
        for c in 0..<labels {
            var tp = 0.0, fp = 0.0, fn = 0.0
            for other in 0..<labels {
                let expectedC = total[offset + c * labels + other]
                let predictedC = total[offset + other * labels + c]
                if other == c { tp = expectedC } else { fn += expectedC; fp += predictedC }
            }
            n += tp + fn
            guard tp + fn > 0 else { continue }
            sum += 2 * tp / (2 * tp + fp + fn)
            classes += 1
        }
        return MetricValue(value: classes > 0 ? sum / Double(classes) : nil, n: Int(n.rounded()))
    }

    /// Expected calibration error over 10 equal-width confidence bins: sum of (bin count / total) times
    /// |bin accuracy - bin mean confidence|.
    func calibrationError(_ total: [Double]) -> MetricValue {
        var count = 0.0, error = 0.0
        for bin in 0..<Layout.bins {
            let base = layout.calibration + bin * 3
            count += total[base]
        }
        guard count > 0 else { return MetricValue(value: nil, n: 0) }
        for bin in 0..<Layout.bins {
            let base = layout.calibration + bin * 3
            let n = total[base]
            guard n > 0 else { continue }
            error += n / count * abs(total[base + 2] / n - total[base + 1] / n)
        }
        return MetricValue(value: error, n: Int(count.rounded()))
    }

    /// Nearest-rank percentile of the end-to-end latencies, each value weighted by its conversation's
    /// weight: the smallest value whose cumulative weight reaches `percent`% of the total.
    func percentile(_ percent: Double, weights: [Double]?) -> MetricValue {
        let totalWeight = weights.map { weights in latencies.reduce(0.0) { $0 + weights[$1.row] } } ?? Double(latencies.count)
        guard totalWeight > 0 else { return MetricValue(value: nil, n: 0) }
        let target = max(1, (percent / 100 * totalWeight - 1e-9).rounded(.up))
        var cumulative = 0.0
        for entry in latencies {
            cumulative += weights?[entry.row] ?? 1
            if cumulative >= target { return MetricValue(value: entry.value, n: Int(totalWeight.rounded())) }
        }
        return MetricValue(value: latencies.last?.value, n: Int(totalWeight.rounded()))
    }
}
