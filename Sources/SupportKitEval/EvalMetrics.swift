import Foundation
import SupportKit

/// Everything measured about one run: headline metrics with intervals and the detail behind them.
///
/// Computed from `TurnRecord`s only, so a stored run can be re-analysed without replaying it.
/// Unmeasured turns (errors, timeouts) are counted but never enter a metric as a pass or a fail.
public struct EvalMetrics: Sendable, Hashable, Codable {
    /// Every metric in `MetricName.all` that could be computed, with its 95% interval when bootstrapped.
    public var metrics: [String: MetricValue]
    /// Conversations with at least one recorded turn.
    public var conversations: Int
    /// Recorded turns, measured or not.
    public var turns: Int
    /// Turns with a reply that metrics score.
    public var measuredTurns: Int
    /// Turns that threw, whose session could not be opened, or whose assistant was unreachable: unmeasured.
    public var erroredTurns: Int
    /// Turns past the per-turn timeout: unmeasured.
    public var timedOutTurns: Int
    /// Intent confusion matrix and per-intent precision, recall, F1.
    public var intent: ClassReport
    /// Category confusion matrix and per-category precision, recall, F1.
    public var category: ClassReport
    /// The 10 confidence bins behind `intent_ece`, empty ones included.
    public var reliability: [ReliabilityBin]
    /// recall@k and hit@k for k = 1...10.
    public var recallCurve: [CurvePoint]
    /// Turn-level escalation confusion counts.
    public var escalationTurns: EscalationCounts
    /// One entry per conversation with at least one measured turn labeled `escalate`.
    public var escalationOutcomes: [ConversationOutcome]
    /// `total` first, then classify, memory, retrieve, respond.
    public var latency: [LatencySummary]
    /// Metrics per expected category, then per expected intent.
    public var slices: [SliceRow]

    /// Computes every metric over `records`.
    ///
    /// - Parameters:
    ///   - records: the run's turns; conversations are identified by `conversationId`.
    ///   - bootstrap: settings for the 95% intervals; nil skips them (faster, for slices and previews).
    public static func compute(records: [TurnRecord], bootstrap: Bootstrap? = Bootstrap()) -> EvalMetrics {
        let conversationIds = orderedConversationIds(records)
        let measured = records.filter(\.isMeasured)
        // The headline metrics (with the bootstrap) and the detail tables are independent: one thread each.
        let (summary, details) = concurrently(
            { headline(records: records, measured: measured, conversationIds: conversationIds, bootstrap: bootstrap) },
            {
                let rankings = measured.map { record -> RetrievalScores.Ranking? in
                    guard let docs = record.expected.docs, !docs.isEmpty, let prediction = record.prediction else { return nil }
                    return RetrievalScores.Ranking(ranked: prediction.rankedDocIds, relevant: Set(docs))
                }
                return (recallCurve(rankings.compactMap { $0 }), escalationOutcomes(records, order: conversationIds),
                        latencySummaries(measured), slices(measured, rankings: rankings))
            })
        return EvalMetrics(
            metrics: summary.metrics, conversations: conversationIds.count, turns: records.count,
            measuredTurns: measured.count,
            erroredTurns: records.filter { $0.status == .error || $0.status == .unavailable }.count,
            timedOutTurns: records.filter { $0.status == .timeout }.count,
            intent: summary.intent, category: summary.category, reliability: summary.reliability,
            recallCurve: details.0, escalationTurns: summary.escalation, escalationOutcomes: details.1,
            latency: details.2, slices: details.3)
    }

    /// The bootstrapped metrics, the confusion reports, the reliability bins and the escalation counts.
    private static func headline(
        records: [TurnRecord], measured: [TurnRecord], conversationIds: [String], bootstrap: Bootstrap?
    ) -> (metrics: [String: MetricValue], intent: ClassReport, category: ClassReport, reliability: [ReliabilityBin],
          escalation: EscalationCounts) {
        let labels = labelSets(records)
        let metrics = bootstrappedMetrics(records: records, conversationIds: conversationIds, bootstrap: bootstrap)
        var intentPairs: [(expected: String, predicted: String)] = []
        var categoryPairs: [(expected: String, predicted: String)] = []
        var binCounts = [Int](repeating: 0, count: 10), binCorrect = [Int](repeating: 0, count: 10)
        var binConfidence = [Double](repeating: 0, count: 10)
        var escalation = EscalationCounts()
        for record in measured {
            guard let prediction = record.prediction else { continue }
            if let expected = record.expected.intent {
                intentPairs.append((expected, prediction.intent))
                let confidence = min(max(prediction.confidence, 0), 1)
                let bin = ReliabilityBin.index(for: confidence)
                binCounts[bin] += 1
                binConfidence[bin] += confidence
                if expected == prediction.intent { binCorrect[bin] += 1 }
            }
            if let expected = record.expected.category {
                categoryPairs.append((expected, prediction.category ?? ScoreTable.noCategory))
            }
            if let expected = record.expected.escalate {
                switch (expected, prediction.escalated) {
                case (true, true): escalation.truePositives += 1
                case (false, true): escalation.falsePositives += 1
                case (true, false): escalation.falseNegatives += 1
                case (false, false): escalation.trueNegatives += 1
                }
            }
        }
        let reliability = (0..<10).map { index -> ReliabilityBin in
            let count = binCounts[index]
            return ReliabilityBin(
                lower: Double(index) / 10, upper: Double(index + 1) / 10, count: count,
                meanConfidence: count > 0 ? binConfidence[index] / Double(count) : nil,
                accuracy: count > 0 ? Double(binCorrect[index]) / Double(count) : nil)
        }
        return (metrics, ClassReport(labels: labels.intents, pairs: intentPairs),
                ClassReport(labels: labels.categories, pairs: categoryPairs), reliability, escalation)
    }

    /// Every metric over `records`, with 95% intervals from resampling their conversations (none when
    /// `bootstrap` is nil).
    static func bootstrappedMetrics(records: [TurnRecord], conversationIds: [String], bootstrap: Bootstrap?) -> [String: MetricValue] {
        let labels = labelSets(records)
        let table = ScoreTable(records: records, conversationIds: conversationIds,
                               intentLabels: labels.intents, categoryLabels: labels.categories)
        var metrics = table.metrics(weights: nil)
        if let bootstrap {
            for (name, interval) in bootstrap.intervals(table) where metrics[name]?.value != nil {
                metrics[name]?.ciLow = interval.low
                metrics[name]?.ciHigh = interval.high
            }
        }
        return metrics
    }

    /// Conversation ids in the order their first turn appears.
    static func orderedConversationIds(_ records: [TurnRecord]) -> [String] {
        var seen = Set<String>()
        return records.compactMap { seen.insert($0.conversationId).inserted ? $0.conversationId : nil }
    }

    /// Labels that occur in measured, labeled turns, expected or predicted: defaults in their usual order
    /// first, then any others alphabetically, and `(none)` last when a category was not predicted.
    static func labelSets(_ records: [TurnRecord]) -> (intents: [String], categories: [String]) {
        var intents = Set<String>(), categories = Set<String>()
        for record in records where record.isMeasured {
            guard let prediction = record.prediction else { continue }
            if let expected = record.expected.intent {
                intents.insert(expected)
                intents.insert(prediction.intent)
            }
            if let expected = record.expected.category {
                categories.insert(expected)
                categories.insert(prediction.category ?? ScoreTable.noCategory)
            }
        }
        return (ordered(intents, preferred: DefaultIntent.all), ordered(categories, preferred: CategorySet.default.names))
    }

    static func ordered(_ labels: Set<String>, preferred: [String]) -> [String] {
        let first = preferred.filter(labels.contains)
        let rest = labels.subtracting(first).subtracting([ScoreTable.noCategory]).sorted()
        return first + rest + (labels.contains(ScoreTable.noCategory) ? [ScoreTable.noCategory] : [])
    }

    /// recall@k and hit@k for k = 1...10 over the turns labeled with documents.
    static func recallCurve(_ labeled: [RetrievalScores.Ranking]) -> [CurvePoint] {
        guard !labeled.isEmpty else { return [] }
        return (1...10).map { k in
            var recall = 0.0, hit = 0.0
            for turn in labeled {
                let scores = turn.scores(at: k)
                recall += scores.recall
                hit += scores.hit
            }
            return CurvePoint(k: k, recall: recall / Double(labeled.count), hit: hit / Double(labeled.count))
        }
    }

    /// Per conversation: compare the first turn labeled `escalate: true` with the first turn that escalated.
    static func escalationOutcomes(_ records: [TurnRecord], order: [String]) -> [ConversationOutcome] {
        let byConversation = Dictionary(grouping: records, by: \.conversationId)
        var outcomes: [ConversationOutcome] = []
        for id in order {
            let turns = (byConversation[id] ?? []).sorted { $0.turnIndex < $1.turnIndex }
            guard turns.contains(where: { $0.expected.escalate != nil }) else { continue }
            let expectedTurn = turns.first { $0.expected.escalate == true }?.turnIndex
            let escalatedTurn = turns.first { $0.prediction?.escalated == true }?.turnIndex
            // An unmeasured turn before the decisive point could have escalated: the outcome is unknown.
            let decisive = [expectedTurn, escalatedTurn].compactMap { $0 }.min() ?? Int.max
            let outcome: EscalationOutcome
            if turns.contains(where: { !$0.isMeasured && $0.turnIndex <= decisive }) {
                outcome = .unmeasured
            } else {
                switch (expectedTurn, escalatedTurn) {
                case (let e?, let p?): outcome = p == e ? .onTime : (p < e ? .early : .late)
                case (.some, nil): outcome = .missed
                case (nil, .some): outcome = .falseAlarm
                case (nil, nil): outcome = .quiet
                }
            }
            outcomes.append(ConversationOutcome(conversationId: id, outcome: outcome, expectedTurn: expectedTurn,
                                                escalatedTurn: escalatedTurn))
        }
        return outcomes
    }

    static func latencySummaries(_ measured: [TurnRecord]) -> [LatencySummary] {
        let stages: [(String, (TurnRecord) -> Double)] = [("total", { $0.latencyMs })]
            + StageTimings.stages.map { stage in (stage.name, { $0.prediction.map { stage.value($0.timings) } ?? 0 }) }
        return stages.map { name, value in
            let values = measured.map(value).sorted()
            return LatencySummary(
                stage: name, p50: nearestRank(values, 50), p95: nearestRank(values, 95), p99: nearestRank(values, 99),
                mean: values.isEmpty ? nil : values.reduce(0, +) / Double(values.count), n: values.count)
        }
    }

    /// The nearest-rank percentile of ascending `sorted`: the value at rank ceil(p/100 * n).
    public static func nearestRank(_ sorted: [Double], _ percent: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = max(1, Int((percent / 100 * Double(sorted.count) - 1e-9).rounded(.up)))
        return sorted[min(rank, sorted.count) - 1]
    }

    /// Per expected category, then per expected intent; `rankings` holds each measured turn's document ranking
    /// (nil when the turn has no labeled documents).
    static func slices(_ measured: [TurnRecord], rankings: [RetrievalScores.Ranking?]) -> [SliceRow] {
        func row(_ dimension: String, _ label: String, _ indices: [Int]) -> SliceRow {
            var intent = (0, 0), category = (0, 0), escalation = (0, 0)
            var recall = 0.0, retrievalTurns = 0
            for index in indices {
                let turn = measured[index]
                guard let prediction = turn.prediction else { continue }
                if let expected = turn.expected.intent { intent.1 += 1; if expected == prediction.intent { intent.0 += 1 } }
                if let expected = turn.expected.category { category.1 += 1; if expected == prediction.category { category.0 += 1 } }
                if let expected = turn.expected.escalate { escalation.1 += 1; if expected == prediction.escalated { escalation.0 += 1 } }
                if let ranking = rankings[index] {
                    retrievalTurns += 1
                    recall += ranking.scores(at: 5).recall
                }
            }
            func value(_ pair: (Int, Int)) -> MetricValue {
                MetricValue(value: pair.1 > 0 ? Double(pair.0) / Double(pair.1) : nil, n: pair.1)
            }
            return SliceRow(
                dimension: dimension, label: label, turns: indices.count, intentAccuracy: value(intent),
                categoryAccuracy: value(category),
                recallAt5: MetricValue(value: retrievalTurns > 0 ? recall / Double(retrievalTurns) : nil, n: retrievalTurns),
                escalationAccuracy: value(escalation))
        }
        var byCategory: [String: [Int]] = [:], byIntent: [String: [Int]] = [:]
        for (index, turn) in measured.enumerated() {
            if let category = turn.expected.category { byCategory[category, default: []].append(index) }
            if let intent = turn.expected.intent { byIntent[intent, default: []].append(index) }
        }
        return ordered(Set(byCategory.keys), preferred: CategorySet.default.names).map { row("category", $0, byCategory[$0] ?? []) }
            + ordered(Set(byIntent.keys), preferred: DefaultIntent.all).map { row("intent", $0, byIntent[$0] ?? []) }
    }
}
