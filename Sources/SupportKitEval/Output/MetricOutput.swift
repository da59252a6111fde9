import Foundation

/// A metric as JSON: `{"value", "ci_low", "ci_high", "n"}`; undefined values are `null`, never left out, so
/// scripts see every metric name.
public struct MetricOutput: Encodable, Sendable, Hashable {
    /// The point estimate.
    public var value: Double?
    /// Lower end of the 95% interval.
    public var ciLow: Double?
    /// Upper end.
    public var ciHigh: Double?
    /// Items the value averages over.
    public var n: Int

    /// The JSON form of `metric`.
    public init(_ metric: MetricValue) {
        value = metric.value
        ciLow = metric.ciLow
        ciHigh = metric.ciHigh
        n = metric.n
    }

    /// Every metric of a run, keyed by name.
    public static func map(_ metrics: [String: MetricValue]) -> [String: MetricOutput] {
        metrics.mapValues(MetricOutput.init)
    }

    private enum CodingKeys: String, CodingKey { case value, ciLow = "ci_low", ciHigh = "ci_high", n }

    /// Writes `null` for undefined values.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(value, forKey: .value)
        try container.encode(ciLow, forKey: .ciLow)
        try container.encode(ciHigh, forKey: .ciHigh)
        try container.encode(n, forKey: .n)
    }
}

/// A metric's change from the baseline as JSON: `{"current", "baseline", "delta", "ci_low", "ci_high"}`.
public struct DeltaOutput: Encodable, Sendable, Hashable {
    /// This run's value over the paired turns.
    public var current: Double?
    /// The baseline's value over the same turns.
    public var baseline: Double?
    /// `current - baseline`.
    public var delta: Double?
    /// Lower end of the paired-bootstrap interval.
    public var ciLow: Double?
    /// Upper end.
    public var ciHigh: Double?

    /// Every delta of a comparison, keyed by metric name.
    public static func map(_ comparison: BaselineComparison) -> [String: DeltaOutput] {
        comparison.deltas.mapValues {
            DeltaOutput(current: $0.current, baseline: $0.baseline, delta: $0.delta, ciLow: $0.ciLow, ciHigh: $0.ciHigh)
        }
    }

    private enum CodingKeys: String, CodingKey { case current, baseline, delta, ciLow = "ci_low", ciHigh = "ci_high" }
}
