import Foundation
import SupportKit

/// `supportkit eval --json`: `{"run", "metrics": {NAME: {"value", "ci_low", "ci_high", "n"}}, "gates": [{"rule",
/// "passed", "detail", "skipped"}], ...}` (ARCHITECTURE.md's contract), plus the baseline comparison and the
/// conversations that changed outcome since the baseline.
public struct EvalOutput: Encodable, Sendable {
    /// The run id.
    public var run: String
    /// Every metric.
    public var metrics: [String: MetricOutput]
    /// One result per gate, in the order given.
    public var gates: [GateResult]
    /// The HTML report written.
    public var report: String
    /// The baseline run, when there was one.
    public var baseline: String?
    /// Deltas to the baseline.
    public var deltas: [String: DeltaOutput]?
    /// Conversations that went from pass to fail (first) or back since the baseline.
    public var conversationChanges: [ConversationChange]?
    /// No baseline yet, suites that differ, ...
    public var warnings: [String]
    /// Conversations that could not be read (left out of the run).
    public var errors: [InputErrorOutput]
    /// Conversations evaluated.
    public var conversations: Int
    /// Turns evaluated.
    public var turns: Int
    /// Turns that errored or timed out.
    public var unmeasured: Int

    /// The result of a finished run.
    ///
    /// - Parameters:
    ///   - outcome: the run.
    ///   - report: the path of its HTML report.
    ///   - inputErrors: the conversations the suite loader refused.
    public init(outcome: EvalOutcome, report: String, inputErrors: [InputError]) {
        run = outcome.run.id
        metrics = MetricOutput.map(outcome.metrics.metrics)
        gates = outcome.gates
        self.report = report
        baseline = outcome.comparison?.baselineRun
        deltas = outcome.comparison.map(DeltaOutput.map)
        conversationChanges = outcome.comparison?.conversationChanges
        warnings = outcome.warnings + (outcome.comparison?.warnings ?? [])
        errors = inputErrors.map(InputErrorOutput.init)
        conversations = outcome.metrics.conversations
        turns = outcome.metrics.turns
        unmeasured = outcome.metrics.turns - outcome.metrics.measuredTurns
    }

    private enum CodingKeys: String, CodingKey {
        case run, metrics, gates, report, baseline, deltas, conversationChanges = "conversation_changes", warnings, errors
        case conversations, turns, unmeasured
    }
}

/// `supportkit eval --dry-run --json`: what the suite holds and what is wrong with it.
public struct SuiteCheckOutput: Encodable, Sendable {
    /// Valid conversations.
    public var conversations: Int
    /// Their turns.
    public var turns: Int
    /// The suite files read.
    public var files: [String]
    /// The suite's content hash.
    public var suiteHash: String
    /// Conversations that could not be read.
    public var errors: [InputErrorOutput]
    /// Problems that do not stop a run (a message that repeats a training example, ...).
    public var warnings: [InputErrorOutput]

    /// The check of a loaded suite.
    public init(_ loaded: SuiteLoadResult) {
        conversations = loaded.suite.conversations.count
        turns = loaded.suite.turnCount
        files = loaded.suite.files
        suiteHash = loaded.suite.hash
        errors = loaded.errors.map(InputErrorOutput.init)
        warnings = loaded.warnings.map(InputErrorOutput.init)
    }

    private enum CodingKeys: String, CodingKey { case conversations, turns, files, suiteHash = "suite_hash", errors, warnings }
}
