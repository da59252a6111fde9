import Foundation
import Synchronization
import Testing
import SupportKit
import SupportKitEvalTesting
import SupportKitTesting
@testable import SupportKitEval

/// The optional LLM judge: what a model's reply is read as, where its scores go, and that it never fails a turn.
@Suite struct AnswerJudgeTests {
    @Test func repliesAreReadWhateverTheModelWrapsThemIn() {
        let fenced = JudgeScores.parse("```json\n{\"faithfulness\": 0.2, \"relevance\": 1, \"reason\": \"says 14 days\"}\n```")
        #expect(fenced.faithfulness == 0.2 && fenced.relevance == 1 && fenced.reason == "says 14 days" && fenced.error == nil)
        let prose = JudgeScores.parse("Sure! Here is my grading: {\"faithfulness\": 5, \"relevance\": 3} Hope it helps {x}")
        #expect(prose.faithfulness == 1 && prose.relevance == 0.5, "a 1-5 rating is rescaled")
        let booleans = JudgeScores.parse(#"{"faithfulness": false, "relevance": "1", "reason": "a } in text"}"#)
        #expect(booleans.faithfulness == 0 && booleans.relevance == 1 && booleans.reason == "a } in text")
        #expect(booleans.isFaithful == false)
        let empty = JudgeScores.parse("The answer is faithful.")
        #expect(empty.faithfulness == nil && empty.error?.hasPrefix("the judge's reply holds no JSON object") == true)
        let wrongKeys = JudgeScores.parse(#"{"score": 0.9}"#)
        #expect(wrongKeys.error?.contains("no usable faithfulness or relevance") == true)
        #expect(JudgeScores.parse(#"{"faithfulness": 42}"#).error != nil, "out of any scale")
    }

    @Test func thePromptHoldsEachSourceOnceWithinTheBudget() throws {
        let long = String(repeating: "Refunds reach the card in ten days. ", count: 400)
        let messages = JudgePrompt.messages(question: "when is my refund?", answer: "In ten days.", sources: ["A.\nshort", "A.\nshort", long])
        #expect(messages.map(\.role) == ["system", "user"])
        let user = try #require(messages.last?.content)
        #expect(user.components(separatedBy: "A.\nshort").count == 2, "the duplicate is sent once")
        #expect(user.count < JudgePrompt.sourceBudget + 200)
        #expect(user.hasSuffix("QUESTION: when is my refund?\n\nANSWER: In ten days."))
    }

    /// Answers by rule and remembers what it was asked.
    final class RuleJudge: AnswerJudge {
        let asked = Mutex<[String]>([])
        var name: String { "llm:rule" }
        let timeoutSeconds = 5.0
        func judge(question: String, answer: String, sources: [String]) async throws -> JudgeScores {
            asked.withLock { $0.append(question) }
            if question == "broken" { throw FakeError(description: "cannot reach the model service") }
            return JudgeScores(faithfulness: answer.contains("14 days") ? 0 : 1, relevance: 0.8, reason: "rule")
        }
    }

    struct SlowJudge: AnswerJudge {
        var name: String { "llm:slow" }
        let timeoutSeconds = 0.2
        func judge(question: String, answer: String, sources: [String]) async throws -> JudgeScores {
            try await Task.sleep(for: .seconds(5))
            return JudgeScores(faithfulness: 1, relevance: 1)
        }
    }

    @Test func theJudgeHasItsOwnDeadlineAndPlaceholderReasonsAreDropped() async {
        // The judge's own timeout applies, not the assistant's turn timeout.
        let scores = await EvalRunner.judgement(by: SlowJudge(), question: "q", answer: "a", sources: [])
        #expect(scores.error == "the judge did not answer within 0.2s")
        let copied = JudgeScores.parse(#"{"faithfulness": 1, "relevance": 0.5, "reason": "<why, in a few words>"}"#)
        #expect(copied.reason == nil && copied.faithfulness == 1)
    }

    @Test func scoresSitBesideTheCheckerAndNeverFailATurn() async throws {
        func answered(_ text: String) -> Reply {
            var reply = makeReply(intent: "question", docs: ["orders/cancel"], answer: text)
            reply.retrieved[0].text = "You can cancel an order within 60 minutes of placing it."
            return reply
        }
        let factory = FakeFactory(script: [
            "cancel?": .reply(answered("You can cancel an order within 60 minutes of placing it.")),
            "cancel later?": .reply(answered("You can cancel an order within 14 days of placing it.")),
            "broken": .reply(answered("You can cancel an order within 60 minutes of placing it.")),
            "thanks": .reply(makeReply(intent: "feedback", answer: "You're welcome!")),
        ])
        let suite = SuiteLoader().load(sources: [("evals/judge.yaml", """
            - id: c1
              turns:
                - user: "cancel?"
                  expect: {intent: question}
                - user: "cancel later?"
                  expect: {intent: question}
                - user: "broken"
                  expect: {intent: question}
                - user: "thanks"
                  expect: {intent: feedback}
            """)]).suite
        let judge = RuleJudge()
        var options = EvalRunner.Options(bootstrap: Bootstrap(resamples: 20))
        options.judge = judge
        let outcome = try await EvalRunner.run(suite: suite, factory: factory, results: try ResultsStore(), options: options)
        #expect(judge.asked.withLock { $0 } == ["cancel?", "cancel later?", "broken"], "only answers with sources are judged")
        let reviews = outcome.records.sorted { $0.turnIndex < $1.turnIndex }.map { $0.prediction?.answerReview }
        #expect(reviews[0]?.judge?.faithfulness == 1 && reviews[1]?.judge?.faithfulness == 0)
        #expect(reviews[2]?.judge?.error?.contains("cannot reach the model service") == true)
        #expect(outcome.records.allSatisfy { $0.status == .ok }, "a judge's failure is not the turn's")
        let metrics = outcome.metrics.metrics
        #expect(metrics[MetricName.judgeFaithfulness]?.value == 0.5 && metrics[MetricName.judgeFaithfulness]?.n == 2)
        #expect(metrics[MetricName.judgeRelevance]?.value == 0.8)
        // The checker finds "14 days" unsupported and the judge calls it unfaithful; both pass the first answer.
        #expect(metrics[MetricName.judgeAgreement]?.value == 1)

        // Without a judge the judge's metrics are undefined, not zero.
        let plain = try await EvalRunner.run(suite: suite, factory: factory, results: try ResultsStore(), options: .init(bootstrap: Bootstrap(resamples: 20)))
        #expect(plain.metrics.metrics[MetricName.judgeFaithfulness]?.value == nil)
    }

    @Test func theSettingsNameAModel() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let file = try folder.write("eval:\n  judge: {model: smollm2, base_url: 'http://127.0.0.1:8081/v1', timeout_seconds: 60}\n", to: "supportkit.yaml")
        #expect(try EvalSettings.load(path: file.path).judge == JudgeSettings(model: "smollm2", baseURL: "http://127.0.0.1:8081/v1", timeoutSeconds: 60))
        #expect(try EvalSettings.load(path: file.path).gates.isEmpty, "a judge is never a gate unless one is asked for")
        let bad = try folder.write("eval:\n  judge: {timeout_seconds: 60}\n", to: "bad.yaml")
        let missing = #expect(throws: InputError.self) { _ = try EvalSettings.load(path: bad.path) }
        #expect(missing.map { "\($0)" }?.contains("eval.judge.model") == true)
    }
}
