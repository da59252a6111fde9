import Foundation
import SupportKit

/// What `supportkit eval` was asked to do, each flag as given (nil when not given).
///
/// `plan(settings:)` applies the `eval:` section of the settings file and the defaults: flags win over the
/// file, the file over the defaults. The command builds a request from its flags and runs the plan.
public struct EvalRequest: Sendable, Hashable {
    /// Suite files or folders; empty means `evals`.
    public var paths: [String]
    /// The results database.
    public var results: String?
    /// The HTML report folder.
    public var reportDirectory: String?
    /// A run id, a unique prefix, or `latest`.
    public var baseline: String?
    /// `--fail-under` and `--max-regression` rules; they replace the file's rule on the same metric and kind.
    public var gates: [GateRule]
    /// A JUnit XML file to write.
    public var junit: String?
    /// A Markdown summary file to write.
    public var markdown: String?
    /// Conversations at a time.
    public var concurrency: Int?
    /// A run to finish.
    public var resume: String?
    /// Seconds per turn.
    public var turnTimeout: Double?
    /// Bootstrap seed.
    public var seed: UInt64?
    /// Bootstrap resamples.
    public var resamples: Int?

    /// A request; every setting left nil comes from the settings file or the defaults.
    public init(
        paths: [String] = [], results: String? = nil, reportDirectory: String? = nil, baseline: String? = nil, gates: [GateRule] = [],
        junit: String? = nil, markdown: String? = nil, concurrency: Int? = nil, resume: String? = nil, turnTimeout: Double? = nil,
        seed: UInt64? = nil, resamples: Int? = nil
    ) {
        self.paths = paths
        self.results = results
        self.reportDirectory = reportDirectory
        self.baseline = baseline
        self.gates = gates
        self.junit = junit
        self.markdown = markdown
        self.concurrency = concurrency
        self.resume = resume
        self.turnTimeout = turnTimeout
        self.seed = seed
        self.resamples = resamples
    }

    /// The request with the settings file and the defaults applied.
    ///
    /// - Parameter settings: the `eval:` section of the settings file.
    /// - Throws: `SupportKitError.invalidInput` when a `max-regression` gate has no baseline to compare with.
    public func plan(settings: EvalSettings) throws(SupportKitError) -> EvalPlan {
        let baseline = self.baseline ?? settings.baseline
        let gates = EvalSettings.merge(file: settings.gates, flags: gates)
        if baseline == nil, gates.contains(where: { if case .maxRegression = $0.kind { true } else { false } }) {
            throw SupportKitError(.invalidInput, "--max-regression compares with a baseline; add --baseline RUN or --baseline latest")
        }
        let suitePaths = paths.isEmpty ? ["evals"] : paths
        let bootstrap = Bootstrap(resamples: resamples ?? settings.resamples ?? 1_000, seed: seed ?? settings.seed ?? 42)
        return EvalPlan(
            suitePaths: suitePaths, resultsPath: results ?? settings.results ?? "reports/results.sqlite",
            reportDirectory: reportDirectory ?? settings.reportDirectory ?? "reports", junit: junit, markdown: markdown,
            options: EvalRunner.Options(
                concurrency: concurrency ?? settings.concurrency ?? 2, turnTimeout: turnTimeout ?? settings.turnTimeout ?? 30,
                bootstrap: bootstrap, suitePaths: suitePaths, resumeRunId: resume, baseline: baseline, gates: gates,
                answer: settings.answer))
    }
}

/// A resolved `supportkit eval`: where everything goes and how the runner runs.
public struct EvalPlan: Sendable {
    /// Suite files or folders.
    public var suitePaths: [String]
    /// The results database.
    public var resultsPath: String
    /// The HTML report folder.
    public var reportDirectory: String
    /// A JUnit XML file to write.
    public var junit: String?
    /// A Markdown summary file to write.
    public var markdown: String?
    /// The runner's options (add the live fingerprints before running).
    public var options: EvalRunner.Options
}
