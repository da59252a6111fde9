import Foundation
import Testing
import SupportKit
import SupportKitEvalTesting
import SupportKitTesting
@testable import SupportKitEval

@Suite struct RunnerTests {
    static func suite() -> EvalSuite {
        let loader = SuiteLoader()
        let yaml = """
        - id: ok-conversation
          customer: {id: c1}
          turns:
            - user: "charged twice"
              expect: {intent: problem, category: billing, docs: [billing/duplicate-charges], escalate: false}
            - user: "get me a human"
              expect: {intent: escalate, escalate: true}
        - id: failing-turn
          turns:
            - user: "explode"
              expect: {intent: question}
            - user: "after the error"
              expect: {intent: question}
        - id: slow-turn
          turns:
            - user: "hang"
              expect: {intent: question}
        - id: no-session
          turns:
            - user: "never asked"
              expect: {intent: question}
        """
        return loader.load(sources: [("evals/runner.yaml", yaml)]).suite
    }

    static func factory() -> FakeFactory {
        FakeFactory(script: [
            "charged twice": .reply(makeReply(intent: "problem", category: "billing", docs: ["billing/duplicate-charges", "billing/refunds"])),
            "get me a human": .reply(makeReply(intent: "escalate", escalated: true)),
            "explode": .fail("model crashed"),
            "after the error": .reply(makeReply(intent: "question")),
            "hang": .hang(seconds: 600),
        ], failingConversations: ["no-session"])
    }

    @Test func recordsRepliesErrorsAndTimeoutsAsTheyHappen() async throws {
        let store = try ResultsStore()
        let factory = Self.factory()
        let suite = Self.suite()
        let started = ContinuousClock.now
        let outcome = try await EvalRunner.run(
            suite: suite, factory: factory, results: store,
            options: .init(concurrency: 3, turnTimeout: 0.3, bootstrap: Bootstrap(resamples: 50), suitePaths: ["evals"],
                           fingerprints: ["git_commit": "abc"]))
        // The 600 s hanging turn was cut off (the bound leaves room for a loaded 2-core machine, where the
        // suite's model tests can hold the cooperative threads for many seconds).
        #expect(ContinuousClock.now - started < .seconds(300))
        let records = outcome.records
        #expect(records.map { "\($0.conversationId)#\($0.turnIndex)" } == [
            "ok-conversation#0", "ok-conversation#1", "failing-turn#0", "failing-turn#1", "slow-turn#0", "no-session#0",
        ])
        #expect(records.map(\.status) == [.ok, .ok, .error, .ok, .timeout, .error])
        #expect(records[2].error == "model crashed")
        #expect(records[4].error == "no reply within 0.3s")
        #expect(records[5].error == "could not open a session: session refused")
        #expect(records[0].prediction?.rankedDocIds == ["billing/duplicate-charges", "billing/refunds"])
        // Every session was isolated, one per conversation.
        #expect(factory.openedSessions.allSatisfy { $0.isolated })
        #expect(Set(factory.openedSessions.map(\.conversation)) == Set(suite.conversations.map(\.id)))
        // Unmeasured turns count nowhere: 3 measured intent turns, all right.
        #expect(outcome.metrics.metrics[MetricName.intentAccuracy] == MetricValue(value: 1, ciLow: 1, ciHigh: 1, n: 3))
        #expect(outcome.metrics.erroredTurns == 2 && outcome.metrics.timedOutTurns == 1)
        #expect(outcome.run.status == .complete)
        #expect(outcome.run.fingerprints == ["embedder": "fake@1/8", "classifier": "fake", "git_commit": "abc"])
        // The database holds the same run.
        let stored = try #require(try store.run(id: outcome.run.id))
        #expect(stored.status == .complete && stored.suiteHash == suite.hash)
        #expect(try store.turns(runId: outcome.run.id) == records)
        #expect(try store.metrics(runId: outcome.run.id)[MetricName.intentAccuracy]?.value == 1)
    }

    @Test func resumeSkipsCompletedConversationsAndReplaysPartialOnes() async throws {
        let store = try ResultsStore()
        let suite = Self.suite()
        // An interrupted run: the first conversation finished, the second recorded only its first turn.
        let run = RunInfo(id: "20260101-000000-0001", startedAt: Date(timeIntervalSince1970: 1_767_225_600), suiteHash: suite.hash,
                          suitePaths: ["evals"], conversationCount: 4, turnCount: 6,
                          fingerprints: ["embedder": "fake@1/8", "classifier": "fake", "git_commit": "old"], seed: 42,
                          concurrency: 2, turnTimeout: 1)
        try await store.createRun(run, conversations: suite.conversations)
        let done = [
            makeRecord("ok-conversation", 0, intent: "problem", predicted: "problem", user: "charged twice"),
            makeRecord("ok-conversation", 1, intent: "escalate", predicted: "escalate", user: "get me a human"),
            makeRecord("failing-turn", 0, intent: "question", predicted: "feedback", user: "explode"),
        ]
        for record in done { try await store.record(record, runId: run.id) }
        let factory = Self.factory()
        let outcome = try await EvalRunner.run(
            suite: suite, factory: factory, results: store,
            options: .init(concurrency: 2, turnTimeout: 0.2, bootstrap: Bootstrap(resamples: 20), resumeRunId: run.id))
        #expect(outcome.run.id == run.id && outcome.run.status == .complete)
        // The finished conversation was not replayed; the partial one was, from its first turn.
        #expect(!factory.messages.contains("charged twice") && !factory.messages.contains("get me a human"))
        #expect(factory.messages.filter { $0 == "explode" }.count == 1)
        #expect(outcome.records.count == 6)
        #expect(outcome.records[0].prediction?.intent == "problem")   // kept from the first attempt
        #expect(outcome.records[2].status == .error)                   // replaced by the replay
        #expect(outcome.records[3].status == .ok)
    }

    @Test func resumeRefusesAChangedClassifierUnlessAskedAndKeepsTheRecordedTurns() async throws {
        let store = try ResultsStore()
        let suite = Self.suite()
        let run = RunInfo(id: "20260101-000000-0002", startedAt: Date(), suiteHash: suite.hash, suitePaths: ["evals"],
                          conversationCount: 4, turnCount: 6, fingerprints: ["embedder": "fake@1/8", "classifier": "logreg@1:old"],
                          seed: 42, concurrency: 2, turnTimeout: 1)
        try await store.createRun(run, conversations: suite.conversations)
        let partial = makeRecord("failing-turn", 0, intent: "question", predicted: "feedback", user: "explode")
        try await store.record(partial, runId: run.id)
        let factory = Self.factory()
        do {
            _ = try await EvalRunner.run(suite: suite, factory: factory, results: store,
                                         options: .init(turnTimeout: 0.2, resumeRunId: run.id))
            Issue.record("a resume under another classifier went ahead")
        } catch let error as SupportKitError {
            #expect(error.code == .invalidInput)
            #expect(error.message.contains("classifier: logreg@1:old -> fake"))
            #expect(error.message.contains("--resume-anyway"))
        }
        // Nothing was replayed or deleted.
        #expect(factory.messages.isEmpty)
        #expect(try store.turns(runId: run.id) == [partial])

        var anyway = EvalRunner.Options(turnTimeout: 0.2, bootstrap: Bootstrap(resamples: 20), resumeRunId: run.id)
        anyway.resumeAnyway = true
        let outcome = try await EvalRunner.run(suite: suite, factory: factory, results: store, options: anyway)
        #expect(outcome.run.status == .complete)
        #expect(EvalRunner.resumeBlockingChanges(recorded: ["git_commit": "a", "tool_version": "1", "target": "x"],
                                                 current: ["git_commit": "b", "tool_version": "2", "target": "y"]).isEmpty)
    }

    @Test func resumeRefusesAChangedSuite() async throws {
        let store = try ResultsStore()
        let suite = Self.suite()
        let run = RunInfo(id: "r-old", startedAt: Date(), suiteHash: "something-else", suitePaths: [], conversationCount: 1,
                          turnCount: 1, fingerprints: [:], seed: 1, concurrency: 1, turnTimeout: 1)
        try await store.createRun(run, conversations: [])
        await #expect(throws: SupportKitError.self) {
            try await EvalRunner.run(suite: suite, factory: Self.factory(), results: store,
                                     options: .init(turnTimeout: 0.2, resumeRunId: "r-old"))
        }
    }

    @Test func baselineAndGatesAreEvaluated() async throws {
        let store = try ResultsStore()
        let suite = Self.suite()
        let options = EvalRunner.Options(turnTimeout: 0.2, bootstrap: Bootstrap(resamples: 50))
        let first = try await EvalRunner.run(suite: suite, factory: Self.factory(), results: store, options: options)
        var gated = options
        gated.baseline = "latest"
        gated.gates = [
            try GateRule.parse("intent_accuracy=0.9", flag: "--fail-under"),
            // Every rate is perfect here; a latency floor far above any turn's latency is the gate that fails.
            try GateRule.parse("latency_p95_ms=100000", flag: "--fail-under"),
            try GateRule.parse("intent_accuracy=0.05", flag: "--max-regression"),
        ]
        let second = try await EvalRunner.run(suite: suite, factory: Self.factory(), results: store, options: gated)
        #expect(second.baseline?.id == first.run.id)
        #expect(second.comparison?.deltas[MetricName.intentAccuracy]?.delta == 0)
        #expect(second.gates.map(\.passed) == [true, false, true])
        #expect(!second.passedGates)
        #expect(EvalExitCode.forRun(gatesPassed: second.passedGates, hadInputErrors: false) == 1)
        #expect(try store.gates(runId: second.run.id) == second.gates)
        #expect(try store.run(id: second.run.id)?.baselineRun == first.run.id)
    }

    @Test func theReplayReportsItsTurnsAsEvalSteps() async throws {
        let suite = Self.suite()
        let steps = RecordedSteps()
        _ = try await EvalRunner.run(
            suite: suite, factory: Self.factory(), results: try ResultsStore(),
            options: .init(concurrency: 2, turnTimeout: 0.3, bootstrap: Bootstrap(resamples: 10)), progress: steps)
        let all = steps.all
        #expect(all.first == ProgressStep(phase: "eval", done: 0, total: suite.turnCount, unit: "turns", failedLabel: "unmeasured"))
        #expect(all.count == suite.turnCount + 2)
        #expect(all.last?.isFinal == true && all.last?.done == suite.turnCount)
        // The failing turn, the timed-out one and the conversation without a session went unmeasured.
        #expect((all.last?.failed ?? 0) >= 3)
        #expect(zip(all, all.dropFirst()).allSatisfy { $0.done <= $1.done })
    }
}

/// Progress steps as a run reported them.
final class RecordedSteps: ProgressReporter, @unchecked Sendable {
    // @unchecked: `steps` is only touched while holding `lock`.
    private let lock = NSLock()
    private var steps: [ProgressStep] = []
    func update(_ step: ProgressStep) { lock.withLock { steps.append(step) } }
    func warning(_ message: String) {}
    var all: [ProgressStep] { lock.withLock { steps } }
}

/// A factory whose sessions record how many replies are in flight at once.
final class CountingFactory: AssistantSessionFactory, @unchecked Sendable {
    // @unchecked: `inFlight` and `peak` are only touched while holding `lock`.
    private let lock = NSLock()
    private var inFlight = 0
    private var peakValue = 0
    var fingerprints: [String: String] { [:] }

    func makeSession(conversationId: String, customer: Conversation.Customer, isolatedMemory: Bool) async throws -> any AssistantSession {
        CountingSession(factory: self)
    }

    func enter() { lock.withLock { inFlight += 1; peakValue = max(peakValue, inFlight) } }
    func leave() { lock.withLock { inFlight -= 1 } }
    var peak: Int { lock.withLock { peakValue } }
}

struct CountingSession: AssistantSession {
    let factory: CountingFactory

    func respond(to message: String) async throws -> Reply {
        factory.enter()
        defer { factory.leave() }
        try await Task.sleep(for: .milliseconds(5))
        return makeReply(intent: "question")
    }
}
