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
    /// What fails in the JUnit XML.
    public var junitCases: JUnitCases
    /// A Markdown summary file to write.
    public var markdown: String?
    /// `--slice` fields, added to the file's `eval.slices`.
    public var slices: [String]
    /// Conversations at a time.
    public var concurrency: Int?
    /// A run to finish.
    public var resume: String?
    /// Finish it even when its fingerprints changed.
    public var resumeAnyway = false
    /// Seconds per turn.
    public var turnTimeout: Double?
    /// Bootstrap seed.
    public var seed: UInt64?
    /// Bootstrap resamples.
    public var resamples: Int?

    /// A request; every setting left nil comes from the settings file or the defaults.
    public init(
        paths: [String] = [], results: String? = nil, reportDirectory: String? = nil, baseline: String? = nil, gates: [GateRule] = [],
        junit: String? = nil, junitCases: JUnitCases = .gates, markdown: String? = nil, slices: [String] = [], concurrency: Int? = nil, resume: String? = nil, turnTimeout: Double? = nil,
        seed: UInt64? = nil, resamples: Int? = nil
    ) {
        self.paths = paths
        self.results = results
        self.reportDirectory = reportDirectory
        self.baseline = baseline
        self.gates = gates
        self.junit = junit
        self.junitCases = junitCases
        self.markdown = markdown
        self.slices = slices
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
        if baseline == nil, let rule = gates.first(where: \.kind.needsBaseline) {
            let flag = if case .maxRegressedConversations = rule.kind { "--max-regressed-conversations" } else { "--max-regression" }
            throw SupportKitError(.invalidInput, "\(flag) compares with a baseline; add --baseline RUN or --baseline latest")
        }
        let suitePaths = paths.isEmpty ? ["evals"] : paths
        let bootstrap = Bootstrap(resamples: resamples ?? settings.resamples ?? 1_000, seed: seed ?? settings.seed ?? 42)
        var options = EvalRunner.Options(
            concurrency: concurrency ?? settings.concurrency ?? 2, turnTimeout: turnTimeout ?? settings.turnTimeout ?? 30,
            bootstrap: bootstrap, suitePaths: suitePaths, resumeRunId: resume, baseline: baseline, gates: gates,
            slices: (settings.slices + slices).reduce(into: []) { if !$0.contains($1) { $0.append($1) } })
        options.resumeAnyway = resumeAnyway
        options.answer = settings.answer
        return EvalPlan(
            suitePaths: suitePaths, resultsPath: results ?? settings.results ?? "reports/results.sqlite",
            reportDirectory: reportDirectory ?? settings.reportDirectory ?? "reports", junit: junit, junitCases: junitCases,
            markdown: markdown, options: options)
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
    /// What fails in the JUnit XML.
    public var junitCases: JUnitCases = .gates
    /// A Markdown summary file to write.
    public var markdown: String?
    /// The runner's options (add the live fingerprints before running).
    public var options: EvalRunner.Options
}

/// What fails in the JUnit XML (`--junit-cases`).
public enum JUnitCases: String, Sendable, Hashable, CaseIterable {
    /// Only failed gates fail; a conversation's outcome is reported in its test case's output (the default, so a
    /// CI view is red exactly when the command exits 1).
    case gates
    /// Also each conversation that misses an expectation fails on its own, as promptfoo and Rasa test cases do.
    case conversations
}
