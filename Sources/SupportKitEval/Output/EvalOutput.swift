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
    /// Failing turns by the first stage that broke.
    public var failures: FailuresOutput
    /// Expected articles the knowledge base lacks: `{"ids": [...], "expectations": N}` (turns naming one); nil
    /// when the knowledge base was not checked.
    public var missingArticles: MissingArticlesOutput?
    /// Every metric per slice, when slices were asked for.
    public var slices: [SliceOutput]?

    /// The result of a finished run.
    ///
    /// - Parameters:
    ///   - outcome: the run.
    ///   - report: the path of its HTML report.
    ///   - inputErrors: the conversations the suite loader refused.
    ///   - failures: the failing turns, attributed.
    public init(outcome: EvalOutcome, report: String, inputErrors: [InputError], failures: FailureReport) {
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
        self.failures = FailuresOutput(failures)
        slices = outcome.slices.isEmpty ? nil : outcome.slices.map(SliceOutput.init)
        missingArticles = outcome.run.knowledge.map { MissingArticlesOutput(knowledge: $0, records: outcome.records) }
    }

    private enum CodingKeys: String, CodingKey {
        case run, metrics, gates, report, baseline, deltas, conversationChanges = "conversation_changes", warnings, errors
        case conversations, turns, unmeasured, failures, missingArticles = "missing_articles", slices
    }
}

/// Expected articles the knowledge base lacks, and how many turns expect one.
public struct MissingArticlesOutput: Encodable, Sendable, Hashable {
    /// The missing ids, sorted.
    public var ids: [String]
    /// Turns whose `expect.docs` name a missing id.
    public var expectations: Int

    /// The missing articles of a run.
    public init(knowledge: KnowledgeFacts, records: [TurnRecord]) {
        ids = knowledge.missingDocIds
        let missing = Set(ids)
        expectations = records.filter { ($0.expected.docs ?? []).contains(where: missing.contains) }.count
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
