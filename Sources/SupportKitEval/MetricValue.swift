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
