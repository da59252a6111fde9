import Foundation
import SupportKit
import SupportKitEval

/// `supportkit eval` after wiring: replays a loaded suite, stores the run, writes its reports, and decides the
/// exit code. The command builds the assistant and prints what this returns.
public enum EvalJob {
    /// A finished evaluation.
    public struct Result: Sendable {
        /// The scored run.
        public var outcome: EvalOutcome
        /// Turns failing their expectations, by the first stage that broke.
        public var failures: FailureReport
        /// The files written.
        public var artifacts: RunArtifacts.Paths
        /// The conversations the suite loader refused (left out of the run).
        public var inputErrors: [InputError]

        /// 0 ok, 1 a gate failed, 2 a conversation could not be read, 3 the assistant was unreachable for some
        /// turns and the run is incomplete (see `EvalExitCode`).
        public var exitCode: Int32 {
            EvalExitCode.forRun(
                gatesPassed: outcome.passedGates, hadInputErrors: !inputErrors.isEmpty,
                hadUnavailableTurns: outcome.records.contains { $0.status == .unavailable })
        }

        /// The `--json` result.
        public var output: EvalOutput {
            EvalOutput(outcome: outcome, report: artifacts.html.path, inputErrors: inputErrors, failures: failures)
        }
    }

    /// Runs `plan` on `loaded`.
    ///
    /// - Parameters:
    ///   - plan: the resolved request (`EvalRequest.plan(settings:)`).
    ///   - loaded: the suite as the loader read it; its errors are reported in the result.
    ///   - factory: opens one assistant session per conversation.
    ///   - fingerprints: store, config, corpus hash, commit, tool version, recorded with the run.
    ///   - catalog: the knowledge base's catalog, recorded with the run for failure attribution; nil when unknown.
    ///   - stepSummary: `$GITHUB_STEP_SUMMARY`, appended to when set.
    ///   - progress: progress events; nil for none.
    /// - Returns: the run, the files written and the input errors.
    /// - Throws: `SupportKitError.invalidInput` when no conversation is valid or the baseline or the run to resume
    ///   does not exist; database and file errors.
    public static func run(
        plan: EvalPlan, loaded: SuiteLoadResult, factory: any AssistantSessionFactory, fingerprints: [String: String],
        catalog: KnowledgeCatalog? = nil, stepSummary: String? = nil, progress: (any ProgressReporter)? = nil
    ) async throws -> Result {
        guard !loaded.suite.conversations.isEmpty else {
            throw SupportKitError(.invalidInput, "no valid conversation to evaluate in \(plan.suitePaths.joined(separator: " ")); see the errors above")
        }
        let results = try ResultsStore(path: plan.resultsPath)
        var options = plan.options
        options.fingerprints.merge(fingerprints) { _, new in new }
        options.knowledge = catalog?.facts(missingDocIds: loaded.missingDocIds)
        let outcome = try await EvalRunner.run(suite: loaded.suite, factory: factory, results: results, options: options, progress: progress)
        let artifacts = try RunArtifacts.write(
            runId: outcome.run.id, store: results, reportDirectory: plan.reportDirectory, junit: plan.junit, markdown: plan.markdown,
            stepSummary: stepSummary, bootstrap: options.bootstrap, inputErrors: loaded.errors,
            junitCases: plan.junitCases)
        let failures = FailureReport(records: outcome.records, knowledge: outcome.run.knowledge)
        return Result(outcome: outcome, failures: failures, artifacts: artifacts, inputErrors: loaded.errors)
    }
}

/// `supportkit runs report --json`: the run and the files written.
public struct ReportOutput: Encodable, Sendable {
    /// The run id.
    public var run: String
    /// The HTML report.
    public var report: String
    /// The JUnit XML, when written.
    public var junit: String?
    /// The Markdown summary, when written.
    public var markdown: String?

    /// The files written for `run`.
    public init(run: String, artifacts: RunArtifacts.Paths) {
        self.run = run
        report = artifacts.html.path
        junit = artifacts.junit?.path
        markdown = artifacts.markdown?.path
    }
}
