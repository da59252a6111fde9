import Foundation
import SupportKit

/// A stored run with everything `runs show` prints.
public struct StoredRun: Sendable {
    /// The run.
    public var info: RunInfo
    /// Its stored metrics.
    public var metrics: [String: MetricValue]
    /// Its gates.
    public var gates: [GateResult]
    /// Every recorded turn, in suite order.
    public var turns: [TurnRecord]

    /// The `runs show --json` result.
    public var output: RunDetailOutput { RunDetailOutput(run: info, metrics: metrics, gates: gates, turns: turns) }
}

/// Two stored runs compared turn for turn (`runs compare A B`).
public struct StoredComparison: Sendable {
    /// Run A.
    public var baseline: RunInfo
    /// Run B.
    public var run: RunInfo
    /// B against A: deltas, warnings, and the conversations that changed outcome.
    public var comparison: BaselineComparison

    /// The `runs compare --json` result.
    public var output: CompareOutput { CompareOutput(baseline: baseline.id, run: run.id, comparison: comparison) }
}

extension ResultsStore {
    /// The newest `limit` runs, newest first, with their stored metrics (`runs list`).
    ///
    /// - Throws: database errors.
    public func recentRuns(limit: Int) throws -> [(info: RunInfo, metrics: [String: MetricValue])] {
        try runs().prefix(max(0, limit)).map { ($0, try metrics(runId: $0.id)) }
    }

    /// The run `reference` names (an id, a unique prefix, or `latest`) with its metrics, gates and turns.
    ///
    /// - Throws: `SupportKitError.invalidInput` when no run or several match; database errors.
    public func loadRun(_ reference: String) throws -> StoredRun {
        let info = try resolveRun(reference)
        return StoredRun(info: info, metrics: try metrics(runId: info.id), gates: try gates(runId: info.id), turns: try turns(runId: info.id))
    }

    /// Compares run `run` with run `baseline`, with paired-bootstrap intervals seeded by the run's seed.
    ///
    /// - Parameters:
    ///   - baseline: run A (id, prefix or `latest`).
    ///   - run: run B.
    ///   - resamples: bootstrap resamples.
    /// - Throws: `SupportKitError.invalidInput` when a run does not exist; database errors.
    public func compare(baseline: String, run: String, resamples: Int = 1_000) throws -> StoredComparison {
        let before = try resolveRun(baseline)
        let current = try resolveRun(run)
        let comparison = BaselineComparison.compare(
            current: try turns(runId: current.id), currentInfo: current, baseline: try turns(runId: before.id), baselineInfo: before,
            bootstrap: Bootstrap(resamples: resamples, seed: current.seed))
        return StoredComparison(baseline: before, run: current, comparison: comparison)
    }
}
