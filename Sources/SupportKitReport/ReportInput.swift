import Foundation
import SupportKit
import SupportKitEval

/// Earlier runs' headline metrics, for the trend chart.
public struct TrendPoint: Sendable, Hashable {
    /// The run id.
    public var runId: String
    /// When it started.
    public var startedAt: Date
    /// Whether the run evaluated the same suite as the reported run (other points are drawn hollow).
    public var sameSuite: Bool
    /// Its stored metrics.
    public var metrics: [String: MetricValue]

    /// A trend point.
    public init(runId: String, startedAt: Date, sameSuite: Bool, metrics: [String: MetricValue]) {
        self.runId = runId
        self.startedAt = startedAt
        self.sameSuite = sameSuite
        self.metrics = metrics
    }
}

/// Everything a report shows about one run.
public struct ReportInput: Sendable {
    /// The run.
    public var run: RunInfo
    /// Every recorded turn, in suite order.
    public var records: [TurnRecord]
    /// Metrics with intervals and details.
    public var metrics: EvalMetrics
    /// Suite locations of the conversations, for the drill-down.
    public var conversations: [ConversationInfo]
    /// The comparison with the run's baseline, if it had one.
    public var comparison: BaselineComparison?
    /// The gates checked for the run.
    public var gates: [GateResult]
    /// Complete runs up to and including this one, oldest first.
    public var trend: [TrendPoint]
    /// Suite problems that left conversations out of the run (known when the run was just made; not stored).
    public var inputErrors: [InputError] = []
    /// The failing turns, attributed to the stage that broke first.
    public var failures: FailureReport
    /// Every metric per slice the run was configured with (`RunInfo.slices`).
    public var slices: [SliceMetrics] = []

    /// Everything a report shows.
    public init(
        run: RunInfo, records: [TurnRecord], metrics: EvalMetrics, conversations: [ConversationInfo] = [],
        comparison: BaselineComparison? = nil, gates: [GateResult] = [], trend: [TrendPoint] = []
    ) {
        self.run = run
        self.records = records
        self.metrics = metrics
        self.conversations = conversations
        self.comparison = comparison
        self.gates = gates
        self.trend = trend
        failures = FailureReport(records: records, knowledge: run.knowledge)
    }

    /// Loads a stored run: its turns and stored metrics (with their intervals), its gates, the comparison
    /// with the baseline it was run against, and the trend over the runs before it.
    ///
    /// - Parameters:
    ///   - runId: an exact run id.
    ///   - store: the results database.
    ///   - bootstrap: settings for recomputing the baseline comparison's paired intervals.
    ///   - trendLimit: how many runs the trend shows at most.
    public static func load(
        runId: String, from store: ResultsStore, bootstrap: Bootstrap = Bootstrap(), trendLimit: Int = 20
    ) throws -> ReportInput {
        guard let run = try store.run(id: runId) else {
            throw SupportKitError(.invalidInput, "no run \"\(runId)\"; `supportkit runs list` shows the runs")
        }
        let records = try store.turns(runId: runId)
        // Details come from the turns; the headline values and intervals are the ones stored with the run
        // (recomputing them would give the same numbers, but slower).
        var metrics = EvalMetrics.compute(records: records, bootstrap: nil)
        let stored = try store.metrics(runId: runId)
        if !stored.isEmpty {
            for (name, value) in stored { metrics.metrics[name] = value }
        }
        var comparison: BaselineComparison?
        if let baselineId = run.baselineRun, let baseline = try store.run(id: baselineId) {
            comparison = BaselineComparison.compare(
                current: records, currentInfo: run, baseline: try store.turns(runId: baselineId), baselineInfo: baseline,
                bootstrap: Bootstrap(resamples: bootstrap.resamples, seed: run.seed, confidence: bootstrap.confidence))
        }
        let earlier = try store.runs()
            .filter { $0.status == .complete && ($0.startedAt < run.startedAt || $0.id == run.id) }
            .prefix(trendLimit)
            .reversed()
        let trend = try earlier.map { info in
            TrendPoint(runId: info.id, startedAt: info.startedAt, sameSuite: info.suiteHash == run.suiteHash,
                       metrics: info.id == run.id ? metrics.metrics : try store.metrics(runId: info.id))
        }
        let conversations = try store.conversations(runId: runId)
        var input = ReportInput(
            run: run, records: records, metrics: metrics, conversations: conversations,
            comparison: comparison, gates: try store.gates(runId: runId), trend: trend)
        input.slices = SliceMetrics.compute(
            records: records, conversations: conversations, knowledge: run.knowledge, fields: run.slices,
            bootstrap: Bootstrap(resamples: bootstrap.resamples, seed: run.seed, confidence: bootstrap.confidence))
        return input
    }
}
