import Foundation

/// One run in `supportkit runs list --json` (`{"runs": [...]}`) and in `runs show --json`'s `info`.
public struct RunOutput: Encodable, Sendable {
    /// The run id.
    public var id: String
    /// ISO 8601 start time.
    public var startedAt: String
    /// `running` or `complete`.
    public var status: String
    /// The suite's content hash.
    public var suiteHash: String
    /// Conversations in the suite.
    public var conversations: Int
    /// Turns in the suite.
    public var turns: Int
    /// What produced the answers (embedder, classifier, store, commit, ...).
    public var fingerprints: [String: String]
    /// The baseline it was compared with.
    public var baseline: String?
    /// Its stored metrics.
    public var metrics: [String: MetricOutput]

    /// A stored run with its metrics.
    public init(run: RunInfo, metrics: [String: MetricValue]) {
        id = run.id
        startedAt = run.startedAt.formatted(Date.ISO8601FormatStyle())
        status = run.status.rawValue
        suiteHash = run.suiteHash
        conversations = run.conversationCount
        turns = run.turnCount
        fingerprints = run.fingerprints
        baseline = run.baselineRun
        self.metrics = MetricOutput.map(metrics)
    }

    private enum CodingKeys: String, CodingKey {
        case id, startedAt = "started_at", status, suiteHash = "suite_hash", conversations, turns, fingerprints, baseline, metrics
    }
}

/// `supportkit runs list --json`: `{"runs": [...]}`, newest first.
public struct RunListOutput: Encodable, Sendable {
    /// The runs.
    public var runs: [RunOutput]

    /// The JSON form of runs with their metrics (`ResultsStore.recentRuns(limit:)`).
    public init(_ runs: [(info: RunInfo, metrics: [String: MetricValue])]) {
        self.runs = runs.map { RunOutput(run: $0.info, metrics: $0.metrics) }
    }
}

/// `supportkit runs show RUN --json`: the run's metrics and gates plus every turn.
public struct RunDetailOutput: Encodable, Sendable {
    /// The run id.
    public var run: String
    /// The run as `runs list` shows it.
    public var info: RunOutput
    /// Its metrics.
    public var metrics: [String: MetricOutput]
    /// Its gates.
    public var gates: [GateResult]
    /// Every recorded turn, in suite order.
    public var turns: [TurnOutput]

    /// A stored run in full.
    public init(run: RunInfo, metrics: [String: MetricValue], gates: [GateResult], turns: [TurnRecord]) {
        self.run = run.id
        info = RunOutput(run: run, metrics: metrics)
        self.metrics = MetricOutput.map(metrics)
        self.gates = gates
        self.turns = turns.map(TurnOutput.init)
    }
}

/// A recorded turn as JSON: what was expected, what the assistant predicted (`null` when unmeasured).
public struct TurnOutput: Encodable, Sendable {
    /// The labels of the turn.
    public struct Expected: Encodable, Sendable {
        /// The expected intent.
        public var intent: String?
        /// The expected category.
        public var category: String?
        /// Documents that answer the turn.
        public var docs: [String]?
        /// Whether the turn should escalate.
        public var escalate: Bool?
    }

    /// What the assistant produced.
    public struct Predicted: Encodable, Sendable {
        /// The predicted intent.
        public var intent: String
        /// Its calibrated probability.
        public var confidence: Double
        /// The predicted category.
        public var category: String?
        /// Ranked document ids, best first.
        public var docs: [String]
        /// Whether it escalated.
        public var escalate: Bool
        /// Why it escalated.
        public var escalationReasons: [String]

        private enum CodingKeys: String, CodingKey {
            case intent, confidence, category, docs, escalate, escalationReasons = "escalation_reasons"
        }
    }

    /// The conversation id.
    public var conversation: String
    /// The turn's index, from 0.
    public var turn: Int
    /// What the customer said.
    public var user: String
    /// The labels.
    public var expected: Expected
    /// The prediction; nil when unmeasured.
    public var predicted: Predicted?
    /// `ok`, `error` or `timeout`.
    public var status: String
    /// Why the turn is unmeasured.
    public var error: String?
    /// End-to-end latency.
    public var latencyMs: Double

    /// The JSON form of `record`.
    public init(_ record: TurnRecord) {
        conversation = record.conversationId
        turn = record.turnIndex
        user = record.user
        expected = Expected(intent: record.expected.intent, category: record.expected.category, docs: record.expected.docs,
                            escalate: record.expected.escalate)
        predicted = record.prediction.map {
            Predicted(intent: $0.intent, confidence: $0.confidence, category: $0.category, docs: $0.rankedDocIds, escalate: $0.escalated,
                      escalationReasons: $0.escalationReasons)
        }
        status = record.status.rawValue
        error = record.error
        latencyMs = record.latencyMs
    }

    private enum CodingKeys: String, CodingKey { case conversation, turn, user, expected, predicted, status, error, latencyMs = "latency_ms" }

    /// Writes `null` for a missing prediction or error, so every turn has the same keys.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(conversation, forKey: .conversation)
        try container.encode(turn, forKey: .turn)
        try container.encode(user, forKey: .user)
        try container.encode(expected, forKey: .expected)
        try container.encode(predicted, forKey: .predicted)
        try container.encode(status, forKey: .status)
        try container.encode(error, forKey: .error)
        try container.encode(latencyMs, forKey: .latencyMs)
    }
}

/// `supportkit runs compare A B --json`: the deltas, and the conversations that changed outcome.
public struct CompareOutput: Encodable, Sendable {
    /// Run A.
    public var baseline: String
    /// Run B.
    public var run: String
    /// Turns measured in both.
    public var pairedTurns: Int
    /// Conversations with a turn measured in both.
    public var pairedConversations: Int
    /// Per-metric deltas.
    public var deltas: [String: DeltaOutput]
    /// Why the runs may not be comparable.
    public var warnings: [String]
    /// Fingerprint changes (embedder, classifier, commit).
    public var changes: [String]
    /// Conversations that went from pass to fail (first) or back.
    public var conversationChanges: [ConversationChange]
    /// Failure causes whose count changed: `[{"cause", "baseline", "current"}]`.
    public var causeChanges: [CauseChange]

    /// The JSON form of `comparison` of `run` with `baseline`.
    public init(baseline: String, run: String, comparison: BaselineComparison) {
        self.baseline = baseline
        self.run = run
        pairedTurns = comparison.pairedTurns
        pairedConversations = comparison.pairedConversations
        deltas = DeltaOutput.map(comparison)
        warnings = comparison.warnings
        changes = comparison.changes
        conversationChanges = comparison.conversationChanges
        causeChanges = comparison.causeChanges
    }

    private enum CodingKeys: String, CodingKey {
        case baseline, run, pairedTurns = "paired_turns", pairedConversations = "paired_conversations", deltas, warnings, changes
        case conversationChanges = "conversation_changes", causeChanges = "cause_changes"
    }
}
