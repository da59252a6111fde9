import Foundation

/// Percentile bootstrap over conversations: the turns of one conversation are not independent, so whole
/// conversations are resampled with replacement.
public struct Bootstrap: Sendable, Hashable {
    /// How many resamples to draw.
    public var resamples: Int
    /// Seed of the deterministic generator: the same seed and data give the same intervals.
    public var seed: UInt64
    /// Coverage of the interval (0.95 for a 95% interval).
    public var confidence: Double

    /// Settings for a 95% interval from 1,000 resamples by default.
    public init(resamples: Int = 1_000, seed: UInt64 = 42, confidence: Double = 0.95) {
        self.resamples = resamples
        self.seed = seed
        self.confidence = confidence
    }

    /// Intervals for every metric of `table`, resampling its conversations.
    func intervals(_ table: ScoreTable) -> [String: (low: Double, high: Double)] {
        let count = table.conversationIds.count
        guard count > 0, resamples > 0 else { return [:] }
        var generator = SplitMix64(seed: seed)
        var samples: [String: [Double]] = [:]
        var weights = [Double](repeating: 0, count: count)
        for _ in 0..<resamples {
            drawWeights(&weights, generator: &generator)
            for (name, metric) in table.metrics(weights: weights) {
                if let value = metric.value { samples[name, default: []].append(value) }
            }
        }
        return samples.compactMapValues(interval(of:))
    }

    /// Intervals for `metric(current) - metric(baseline)`, resampling the conversations both tables hold
    /// (the tables must list the same conversations in the same order) with the same draw for both.
    func pairedIntervals(current: ScoreTable, baseline: ScoreTable) -> [String: (low: Double, high: Double)] {
        let count = current.conversationIds.count
        guard count > 0, resamples > 0, baseline.conversationIds == current.conversationIds else { return [:] }
        var generator = SplitMix64(seed: seed)
        var samples: [String: [Double]] = [:]
        var weights = [Double](repeating: 0, count: count)
        for _ in 0..<resamples {
            drawWeights(&weights, generator: &generator)
            let now = current.metrics(weights: weights)
            let before = baseline.metrics(weights: weights)
            for (name, metric) in now {
                if let value = metric.value, let old = before[name]?.value {
                    samples[name, default: []].append(value - old)
                }
            }
        }
        return samples.compactMapValues(interval(of:))
    }

    /// How many times each conversation is drawn in one resample of the same size.
    private func drawWeights(_ weights: inout [Double], generator: inout SplitMix64) {
        for index in weights.indices { weights[index] = 0 }
        for _ in weights.indices { weights[generator.next(below: weights.count)] += 1 }
    }

    /// The central `confidence` interval of `values`. Resamples where a metric is undefined (say, no
    /// escalation predicted) are left out; with fewer than 10 defined resamples there is no interval.
    private func interval(of values: [Double]) -> (low: Double, high: Double)? {
        guard values.count >= 10 else { return nil }
        let sorted = values.sorted()
        let alpha = (1 - confidence) / 2
        return (Self.quantile(sorted, alpha), Self.quantile(sorted, 1 - alpha))
    }

    /// Linear interpolation between closest ranks (R's type 7, NumPy's default) of ascending `sorted`.
    static func quantile(_ sorted: [Double], _ probability: Double) -> Double {
        guard sorted.count > 1 else { return sorted.first ?? .nan }
        let position = probability * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }
}
