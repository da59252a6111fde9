import Foundation
import SupportKit
import SupportKitGrounding

/// Replays a suite through the assistant, records every turn, and scores the run.
///
/// Conversations run in parallel (at most `concurrency` at a time), the turns of one conversation in
/// order in one fresh session with isolated memory. Each turn has a deadline; a turn that throws or misses
/// it is recorded as unmeasured and the run goes on. A turn whose assistant could not be reached
/// (`SupportKitError.unavailable`) is recorded as `unavailable` and leaves the run incomplete. Every turn is written to the results database as soon
/// as it completes, so an interrupted run can be finished with `resume`.
public enum EvalRunner {
    /// How to run.
    public struct Options: Sendable {
        /// Conversations evaluated at the same time.
        public var concurrency: Int
        /// Seconds one turn may take; also the deadline for opening a session.
        public var turnTimeout: Double
        /// Interval settings (seed, resamples).
        public var bootstrap: Bootstrap
        /// Suite files or folders as given, recorded with the run.
        public var suitePaths: [String]
        /// Fingerprints beyond the factory's own (store, corpus hash, config, git commit, tool version).
        public var fingerprints: [String: String]
        /// Finish this earlier run instead of starting a new one.
        public var resumeRunId: String?
        /// Finish it even when the assistant's fingerprints changed since it started (turns scored by two setups).
        public var resumeAnyway = false
        /// A run id, a unique prefix, or `latest` (the newest complete run before this one; with none yet, the
        /// run has no baseline, says so in `EvalOutcome.warnings`, and skips its regression gates).
        public var baseline: String?
        /// CI gates checked once the metrics are in.
        public var gates: [GateRule]
        /// What the knowledge base holds (see `RunInfo.knowledge`); nil when it could not be read.
        public var knowledge: KnowledgeFacts?
        /// Fields every metric is sliced by.
        public var slices: [String]
        /// How answers are judged: `similar_to`'s threshold, logged agent messages as references.
        public var answer: AnswerCheck.Configuration
        /// The optional LLM judge of answers (`eval.judge`); nil for none.
        public var judge: (any AnswerJudge)?

        /// Options with the CLI defaults: 2 conversations at a time, 30 s per turn, 1,000 resamples.
        public init(
            concurrency: Int = 2, turnTimeout: Double = 30, bootstrap: Bootstrap = Bootstrap(), suitePaths: [String] = [],
            fingerprints: [String: String] = [:], resumeRunId: String? = nil, baseline: String? = nil, gates: [GateRule] = [],
            knowledge: KnowledgeFacts? = nil, slices: [String] = [],
            answer: AnswerCheck.Configuration = AnswerCheck.Configuration()
        ) {
            self.answer = answer
            self.concurrency = concurrency
            self.turnTimeout = turnTimeout
            self.bootstrap = bootstrap
            self.suitePaths = suitePaths
            self.fingerprints = fingerprints
            self.resumeRunId = resumeRunId
            self.baseline = baseline
            self.gates = gates
            self.knowledge = knowledge
            self.slices = slices
        }
    }

    /// Fingerprints that may not change under a resumed run: everything that decides a turn's result (classifier,
    /// embedder, knowledge content, settings, store, the assistant or target), but not the commit or tool version.
    static func resumeBlockingChanges(recorded: [String: String], current: [String: String]) -> [String] {
        // The target's address may change between attempts (a restarted server); what it runs is in its deployment keys.
        let ignored: Set<String> = [FingerprintKey.gitCommit, FingerprintKey.toolVersion, "target"]
        return Set(recorded.keys).union(current.keys).subtracting(ignored).sorted().compactMap { key in
            let before = recorded[key] ?? "-", after = current[key] ?? "-"
            return before == after ? nil : "\(key): \(before.prefix(24)) -> \(after.prefix(24))"
        }
    }

    /// Runs `suite` and returns the scored run.
    ///
    /// - Parameters:
    ///   - suite: validated conversations (see `SuiteLoader`).
    ///   - factory: opens one assistant session per conversation.
    ///   - results: the results database; the run and each of its turns are written there.
    ///   - options: concurrency, timeout, resume, baseline and gates.
    ///   - progress: where the replay's progress goes (`eval` steps in turns, and warnings); nil for none.
    /// - Returns: the run, its turns, metrics, baseline comparison and gate results.
    /// - Throws: `SupportKitError.invalidInput` when the run to resume or the baseline does not exist or the
    ///   suite changed since the run to resume; database errors; `CancellationError` when cancelled
    ///   (the recorded turns stay, and `resume` continues).
    public static func run(
        suite: EvalSuite, factory: any AssistantSessionFactory, results: ResultsStore, options: Options,
        progress: (any ProgressReporter)? = nil
    ) async throws -> EvalOutcome {
        var run: RunInfo
        var pending: [Conversation] = suite.conversations
        var alreadyDone = 0
        if let resumeId = options.resumeRunId {
            run = try results.resolveRun(resumeId)
            guard run.suiteHash == suite.hash else {
                throw SupportKitError(.invalidInput, "run \(run.id) evaluated a different suite (hash \(run.suiteHash.prefix(12)), now \(suite.hash.prefix(12))); start a new run without --resume")
            }
            // Before anything is replayed or deleted: a run measured by another setup is not finished with this one.
            try await factory.prepare(forRun: run.id)
            let current = factory.fingerprints.merging(options.fingerprints) { _, extra in extra }
            let changed = Self.resumeBlockingChanges(recorded: run.fingerprints, current: current)
            if !changed.isEmpty, !options.resumeAnyway {
                throw SupportKitError(
                    .invalidInput,
                    "run \(run.id) cannot be resumed: what it measures changed since it started (\(changed.joined(separator: "; "))), so its turns would be scored by two setups; start a new run, or pass --resume-anyway to mix them knowingly")
            }
            let recorded = Dictionary(grouping: try results.turns(runId: run.id), by: \.conversationId)
            pending = []
            for conversation in suite.conversations {
                let turns = recorded[conversation.id] ?? []
                // A turn that could not reach the assistant is not done: the conversation is replayed.
                let done = Set(turns.filter { $0.status != .unavailable }.map(\.turnIndex))
                if done.isSuperset(of: 0..<conversation.turns.count) {
                    alreadyDone += conversation.turns.count
                } else {
                    // Memory depends on earlier turns, so a half-done conversation is replayed from its start;
                    // its old rows go first so the stored turns all come from one session.
                    if !turns.isEmpty { try await results.deleteTurns(runId: run.id, conversationId: conversation.id) }
                    pending.append(conversation)
                }
            }
        } else {
            let id = RunInfo.makeID()
            // Before the run is recorded: a target that refuses the key leaves no empty run behind.
            try await factory.prepare(forRun: id)
            run = RunInfo(
                id: id, startedAt: Date(), suiteHash: suite.hash, suitePaths: options.suitePaths,
                conversationCount: suite.conversations.count, turnCount: suite.turnCount,
                fingerprints: factory.fingerprints.merging(options.fingerprints) { _, extra in extra },
                seed: options.bootstrap.seed, concurrency: options.concurrency, turnTimeout: options.turnTimeout,
                knowledge: options.knowledge, slices: options.slices)
            try await results.createRun(run, conversations: suite.conversations)
        }
        // Resolve the baseline before replaying anything, so a typo fails fast.
        let baselineInfo = try options.baseline.flatMap { try results.resolveBaseline($0, excluding: run.id) }
        let noBaselineYet = options.baseline != nil && baselineInfo == nil

        try await factory.prefetch(messages: pending.flatMap { $0.turns.flatMap { [$0.user] + $0.agentMessages } })
        let turns = progress.map { TurnProgress(reporter: $0, total: suite.turnCount, alreadyDone: alreadyDone) }
        let runId = run.id
        let width = max(1, options.concurrency)
        let answerCheck = AnswerCheck(configuration: options.answer)
        do {
            try await replayAll(pending, runId: runId, width: width, factory: factory, results: results, options: options,
                                answer: answerCheck, progress: turns)
        } catch {
            // Interrupted or failed: what the run created on a target is still removed (an unstructured task, so a
            // cancelled run's clean-up is not cancelled with it); the recorded turns stay for --resume.
            let factoryWarnings = await Task { await factory.finishRun() }.value
            for warning in factoryWarnings { progress?.warning(warning) }
            throw error
        }
        let cleanupWarnings = await factory.finishRun()
        turns?.finished()

        let records = try results.turns(runId: run.id)
        let metrics = EvalMetrics.compute(records: records, bootstrap: options.bootstrap)
        var comparison: BaselineComparison?
        if let baselineInfo {
            comparison = BaselineComparison.compare(
                current: records, currentInfo: run, baseline: try results.turns(runId: baselineInfo.id),
                baselineInfo: baselineInfo, bootstrap: options.bootstrap)
        }
        let slices = run.slices.isEmpty ? [] : SliceMetrics.compute(
            records: records, conversations: try results.conversations(runId: run.id), knowledge: run.knowledge,
            fields: run.slices, bootstrap: options.bootstrap)
        let gates = options.gates.map { $0.evaluate(metrics: metrics.metrics, comparison: comparison, noBaselineYet: noBaselineYet) }
        let warnings = (noBaselineYet
            ? ["no baseline yet: no earlier complete run to use as \"latest\"; regression gates skipped, this run is the next run's baseline"] : [])
            + cleanupWarnings + Self.collapseWarnings(records)
        let finishedAt = Date()
        // Turns that could not reach the assistant leave the run incomplete: `resume` replays their conversations.
        let complete = !records.contains { $0.status == .unavailable }
        try await results.finishRun(
            id: run.id, metrics: metrics.metrics, gates: gates, baselineRun: baselineInfo?.id, at: finishedAt, complete: complete)
        run.status = complete ? .complete : .running
        run.finishedAt = complete ? finishedAt : nil
        run.baselineRun = baselineInfo?.id
        return EvalOutcome(run: run, records: records, metrics: metrics, baseline: baselineInfo, comparison: comparison, gates: gates,
                           warnings: warnings, slices: slices)
    }

    /// Warnings for a classifier whose predictions collapsed onto one label while the suite expects several: what a
    /// weak model does when a schema only lets it write valid labels (SmolLM2-135M put `action` on 88% of turns,
    /// `account` on 99%). Needs 20 labeled turns and three expected labels; fires at 80% on one label.
    static func collapseWarnings(_ records: [TurnRecord]) -> [String] {
        func check(_ name: String, _ pairs: [(expected: String, predicted: String)]) -> String? {
            guard pairs.count >= 20, Set(pairs.map(\.expected)).count >= 3 else { return nil }
            let counts = Dictionary(grouping: pairs, by: \.predicted).mapValues(\.count)
            guard let (label, count) = counts.max(by: { $0.value < $1.value }), Double(count) >= 0.8 * Double(pairs.count) else { return nil }
            return "\(name) predictions collapsed: \"\(label)\" on \(count) of \(pairs.count) labeled turns, while the suite expects "
                + "\(Set(pairs.map(\.expected)).count) different \(name)s; the classifier is not telling them apart (check its model and prompt)"
        }
        let measured = records.filter(\.isMeasured)
        let intents = measured.compactMap { record in record.expected.intent.flatMap { expected in record.prediction.map { (expected, $0.intent) } } }
        let categories = measured.compactMap { record in
            record.expected.category.flatMap { expected in record.prediction.map { (expected, $0.category ?? "(none)") } }
        }
        return [check("intent", intents), check("category", categories)].compactMap { $0 }
    }

    /// Replays `pending`, `width` conversations at a time.
    static func replayAll(
        _ pending: [Conversation], runId: String, width: Int, factory: any AssistantSessionFactory, results: ResultsStore,
        options: Options, answer answerCheck: AnswerCheck, progress: TurnProgress?
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = pending.makeIterator()
            for _ in 0..<width {
                guard let conversation = next.next() else { break }
                group.addTask {
                    try await replay(conversation, runId: runId, factory: factory, results: results,
                                     timeout: options.turnTimeout, answer: answerCheck, judge: options.judge, progress: progress)
                }
            }
            while try await group.next() != nil {
                guard let conversation = next.next() else { continue }
                group.addTask {
                    try await replay(conversation, runId: runId, factory: factory, results: results,
                                     timeout: options.turnTimeout, answer: answerCheck, judge: options.judge, progress: progress)
                }
            }
        }
    }

    /// Plays one conversation from its first turn, recording each turn as it completes.
    static func replay(
        _ conversation: Conversation, runId: String, factory: any AssistantSessionFactory, results: ResultsStore,
        timeout: Double, answer: AnswerCheck = AnswerCheck(), judge: (any AnswerJudge)? = nil, progress: TurnProgress?
    ) async throws {
        let checker = GroundednessChecker()
        let session: any AssistantSession
        do {
            session = try await withCancellingDeadline(seconds: timeout, timeoutError: { TurnTimeout() }) {
                try await factory.makeSession(conversationId: conversation.id, customer: conversation.customer, isolatedMemory: true)
            }
        } catch {
            try Task.checkCancellation()
            let status: TurnRecord.Status = error is TurnTimeout ? .timeout : isUnavailable(error) ? .unavailable : .error
            let message = status == .timeout
                ? "opening the session took longer than \(timeout)s" : "could not open a session: \(error)"
            for (index, turn) in conversation.turns.enumerated() {
                try await results.record(TurnRecord(
                    conversationId: conversation.id, turnIndex: index, user: turn.user, expected: turn.expect,
                    status: status, error: message), runId: runId)
                progress?.turnCompleted(measured: false)
            }
            return
        }
        for (index, turn) in conversation.turns.enumerated() {
            let clock = ContinuousClock()
            let started = clock.now
            var record = TurnRecord(conversationId: conversation.id, turnIndex: index, user: turn.user,
                                    expected: turn.expect, status: .ok)
            var toJudge: (answer: String, sources: [String])?
            do {
                let reply = try await withCancellingDeadline(seconds: timeout, timeoutError: { TurnTimeout() }) { try await session.respond(to: turn.user) }
                record.prediction = Prediction(reply)
                if answer.configuration.reviewsAnswers {
                    record.prediction?.answerReview = AnswerReview.review(turn: turn, reply: reply, check: answer, checker: checker)
                    if judge != nil, record.prediction?.answerReview?.groundedness != nil {
                        toJudge = (reply.text, AnswerReview.passages(of: reply))
                    }
                }
                // From a logged agent message on, it stands in the context in place of the assistant's reply.
                for message in turn.agentMessages {
                    try await withCancellingDeadline(seconds: timeout, timeoutError: { TurnTimeout() }) { try await session.recordAgentMessage(message) }
                }
            } catch is TurnTimeout {
                record.status = .timeout
                record.error = "no reply within \(timeout)s"
            } catch {
                // A cancelled run is not a failed turn: stop, and let --resume replay this conversation.
                try Task.checkCancellation()
                record.status = isUnavailable(error) ? .unavailable : .error
                record.error = String(describing: error)
            }
            let elapsed = started.duration(to: clock.now)
            record.latencyMs = elapsed.milliseconds
            // After the latency is taken: the judge's time is not the assistant's.
            if let judge, let toJudge {
                record.prediction?.answerReview?.judge = await judgement(
                    by: judge, question: turn.user, answer: toJudge.answer, sources: toJudge.sources)
            }
            try await results.record(record, runId: runId)
            progress?.turnCompleted(measured: record.isMeasured)
        }
    }

    /// The judge's scores within the judge's own deadline, or scores carrying why there are none (a judge never
    /// fails a turn).
    static func judgement(by judge: any AnswerJudge, question: String, answer: String, sources: [String]) async -> JudgeScores {
        let timeout = judge.timeoutSeconds
        do {
            return try await withCancellingDeadline(seconds: timeout, timeoutError: { TurnTimeout() }) {
                try await judge.judge(question: question, answer: answer, sources: sources)
            }
        } catch is TurnTimeout {
            return JudgeScores(error: "the judge did not answer within \(timeout)s")
        } catch {
            return JudgeScores(error: String(describing: error))
        }
    }

    /// Whether `error` says the assistant could not be reached (its server, store or model service), rather than
    /// that it failed on this input.
    static func isUnavailable(_ error: any Error) -> Bool {
        (error as? SupportKitError)?.code == .unavailable
    }
}

/// A turn (or session opening) missed its deadline.
struct TurnTimeout: Error {}

/// A finished run with everything needed to report on it.
public struct EvalOutcome: Sendable {
    /// The run as stored, now complete.
    public var run: RunInfo
    /// Every turn, in suite order.
    public var records: [TurnRecord]
    /// Every metric with its interval and the detail behind it.
    public var metrics: EvalMetrics
    /// The baseline run, when one was given.
    public var baseline: RunInfo?
    /// Deltas to the baseline, when one was given.
    public var comparison: BaselineComparison?
    /// One result per gate rule, in the order given.
    public var gates: [GateResult]
    /// What the person running CI should know that is not a failure (no baseline yet).
    public var warnings: [String]
    /// Every metric per slice (`eval.slices`, `--slice`); empty without slices.
    public var slices: [SliceMetrics]

    /// A finished run.
    public init(
        run: RunInfo, records: [TurnRecord], metrics: EvalMetrics, baseline: RunInfo?, comparison: BaselineComparison?,
        gates: [GateResult], warnings: [String] = [], slices: [SliceMetrics] = []
    ) {
        self.warnings = warnings
        self.slices = slices
        self.run = run
        self.records = records
        self.metrics = metrics
        self.baseline = baseline
        self.comparison = comparison
        self.gates = gates
    }

    /// Whether every gate passed.
    public var passedGates: Bool { gates.allSatisfy(\.passed) }
}
