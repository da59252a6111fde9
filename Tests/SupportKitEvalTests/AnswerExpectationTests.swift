import Foundation
import Testing
import SupportKit
import SupportKitEvalTesting
@testable import SupportKitEval

@Suite struct AnswerExpectationTests {
    let loader = SuiteLoader(configuration: .init(knownDocIds: ["orders/cancel", "billing/refunds"]))

    @Test func yamlReadsEveryAnswerExpectation() throws {
        let yaml = """
            - id: cancel-1
              customer: {id: c1}
              turns:
                - user: "Can I cancel my order?"
                  expect:
                    answer:
                      contains: ["60 minutes"]
                      not_contains: ["delete your account"]
                      matches: "within \\\\d+ minutes"
                      cites: [orders/cancel]
                      similar_to: "Cancel the order within 60 minutes from Order history."
                - user: "thanks!"
                  expect: {small_talk: true}
                - user: "what's the weather?"
                  expect: {out_of_scope: true}
            """
        let result = loader.load(sources: [("evals/a.yaml", yaml)])
        #expect(result.errors.isEmpty)
        let turns = try #require(result.suite.conversations.first?.turns)
        let answer = try #require(turns[0].expect.answer)
        #expect(answer.contains == ["60 minutes"] && answer.notContains == ["delete your account"])
        #expect(answer.matches == "within \\d+ minutes" && answer.cites == ["orders/cancel"])
        #expect(answer.similarTo == "Cancel the order within 60 minutes from Order history.")
        #expect(turns[1].expect.smallTalk == true && turns[2].expect.outOfScope == true)
    }

    @Test func badAnswerExpectationsAreErrorsAtTheirLineAndColumn() {
        let yaml = """
            - id: bad
              customer: {id: c1}
              turns:
                - user: "x"
                  expect:
                    answer_contains: ["a"]
                    small_talk: "yes"
                    answer:
                      contains: [3, {a: b}]
                      matches: "within ("
                      cites: [orders/cancle]
                      similar: "x"
            """
        let result = loader.load(sources: [("evals/bad.yaml", yaml)])
        #expect(result.errors.map(\.description) == [
            "evals/bad.yaml:6:26: turns[0].expect.answer_contains: unknown field; expected one of intent, category, docs, escalate, answer, small_talk, out_of_scope",
            "evals/bad.yaml:7:21: turns[0].expect.small_talk: expected true or false, found a string; write true or false without quotes",
            "evals/bad.yaml:9:25: turns[0].expect.answer.contains: expected a phrase, found a mapping; write phrases as text, e.g. [\"60 minutes\", \"Order history\"]",
            "evals/bad.yaml:10:20: turns[0].expect.answer.matches: not a valid regular expression; fix the pattern (ICU syntax; in YAML double quotes write \\\\d for \\d)",
            "evals/bad.yaml:12:20: turns[0].expect.answer.similar: unknown field; expected one of contains, not_contains, matches, cites, similar_to",
        ])
        // An unknown cited document is not a load error (as an unknown expected document is not): the turn fails
        // its cites check at run time.
        #expect(!result.errors.contains { $0.description.contains("orders/cancle") })
    }

    @Test func jsonlAnswerExpectationsAndTheirErrors() throws {
        let jsonl = """
            {"id": "j1", "customer": {"id": "c1"}, "turns": [{"user": "Cancel?", "expect": {"answer": {"contains": "60 minutes", "cites": ["orders/cancel"]}, "out_of_scope": false}}]}
            {"id": "j2", "customer": {"id": "c1"}, "turns": [{"user": "Cancel?", "expect": {"answer": {"matches": 4}}}]}
            """
        let result = loader.load(sources: [("evals/s.jsonl", jsonl)])
        #expect(result.errors.map(\.description) == [
            "evals/s.jsonl:2:1: turns[0].expect.answer.matches: expected a regular expression, found a number; write matches: \"within \\\\d+ minutes\"",
        ])
        let turn = try #require(result.suite.conversations.first?.turns.first)
        #expect(turn.expect.answer?.contains == ["60 minutes"] && turn.expect.outOfScope == false)
    }

    // MARK: - Judging

    let check = AnswerCheck()

    func turn(_ expect: Conversation.Expectation, agent: [String] = []) -> Conversation.Turn {
        Conversation.Turn(user: "Can I cancel?", expect: expect, agentMessages: agent)
    }

    func reply(_ text: String, cites: [String] = [], smallTalk: String? = nil, outOfScope: Bool? = nil) -> Reply {
        var reply = makeReply(intent: "question", answer: text)
        reply.sources = cites.map { Reply.Source(docId: $0, title: $0, link: "") }
        reply.smallTalk = smallTalk
        reply.outOfScope = outOfScope
        return reply
    }

    @Test func containsIsCaseAndWhitespaceInsensitive() {
        let expect = Conversation.Expectation(answer: AnswerExpectation(contains: ["60 Minutes", "order  history"]))
        #expect(check.unmet(turn: turn(expect), reply: reply("Cancel within 60\nminutes from Order History.")).isEmpty)
        #expect(check.unmet(turn: turn(expect), reply: reply("Cancel within an hour from Order History."))
                == ["answer.contains: \"60 Minutes\" not in the answer"])
    }

    @Test func notContainsMatchesAndCites() {
        let expect = Conversation.Expectation(answer: AnswerExpectation(
            notContains: ["delete your account"], matches: "within \\d+ minutes", cites: ["orders/cancel"]))
        #expect(check.unmet(turn: turn(expect), reply: reply("Cancel within 60 minutes.", cites: ["orders/cancel"])).isEmpty)
        #expect(check.unmet(turn: turn(expect), reply: reply("Delete your account and start again.", cites: ["billing/refunds"])) == [
            "answer.not_contains: \"delete your account\" is in the answer",
            "answer.matches: no match for /within \\d+ minutes/",
            "answer.cites: [orders/cancel] not among the sources [billing/refunds]",
        ])
    }

    @Test func similarToPassesAParaphraseAndFailsAChangedFact() {
        let expect = Conversation.Expectation(answer: AnswerExpectation(
            similarTo: "You can cancel an order within 60 minutes from Order history."))
        #expect(check.unmet(turn: turn(expect), reply: reply("You can cancel the order from Order history within 60 minutes.")).isEmpty)
        let unmet = check.unmet(turn: turn(expect), reply: reply("You can cancel the order from Order history within 14 days."))
        #expect(unmet.count == 1 && unmet[0].hasPrefix("answer.similar_to: "))
    }

    @Test func aLoggedAgentMessageServesAsTheReferenceWhenAsked() {
        let agentTurn = turn(Conversation.Expectation(), agent: ["Cancel it within 60 minutes from Order history."])
        #expect(!check.judges(agentTurn))
        let withAgent = AnswerCheck(configuration: .init(referenceFromAgent: true))
        #expect(withAgent.judges(agentTurn))
        #expect(withAgent.unmet(turn: agentTurn, reply: reply("Cancel it within 60 minutes from Order history.")).isEmpty)
        #expect(!withAgent.unmet(turn: agentTurn, reply: reply("You will need to delete your account.")).isEmpty)
    }

    @Test func smallTalkAndOutOfScope() {
        let smallTalk = turn(Conversation.Expectation(smallTalk: true))
        #expect(check.unmet(turn: smallTalk, reply: reply("You're welcome!", smallTalk: "thanks")).isEmpty)
        #expect(check.unmet(turn: smallTalk, reply: reply("Here is how.")) == ["small_talk: expected true, got false"])
        let outOfScope = turn(Conversation.Expectation(outOfScope: true))
        #expect(check.unmet(turn: outOfScope, reply: reply("I can only help with our products.", outOfScope: true)).isEmpty)
        #expect(check.unmet(turn: outOfScope, reply: reply("Here is how.", outOfScope: false)) == ["out_of_scope: expected true, got false"])
    }

    // MARK: - Review and metrics

    @Test func theReviewScoresTheAnswerAgainstTheRetrievedTextAndFindsMarkup() throws {
        var answered = reply("You can cancel an order within 14 days. {% callout %}")
        answered.retrieved = [RetrievedChunk(chunkId: UUID(), docId: "orders/cancel", title: "Cancel", headingPath: "Cancel",
                                             score: 1, text: "You can cancel an order within 60 minutes of placing it.")]
        let review = AnswerReview.review(turn: turn(Conversation.Expectation()), reply: answered, check: check,
                                         checker: .init())
        #expect(review.failures == nil)
        #expect(review.markup == ["{%"])
        let claim = try #require(review.unsupported.first)
        #expect(claim.reason == "\"14 days\" not in any source; sources say \"60 minutes\"")
        #expect((review.groundedness ?? 1) < 0.75)
        // Small talk is not an answer: no groundedness.
        var thanks = answered
        thanks.smallTalk = "thanks"
        #expect(AnswerReview.review(turn: turn(Conversation.Expectation()), reply: thanks, check: check, checker: .init())
            .groundedness == nil)
    }

    @Test func theTicketNoticeIsNotJudgedAndRecalledMemoryIsASource() {
        var handedOff = reply("""
            I've passed this to our support team (ticket T-00007, high priority). A person will follow up with you by email.

            I can see your earlier report is still open: "Refund for order 5521 not received".

            You can cancel an order within 60 minutes of placing it.
            """)
        handedOff.retrieved = [RetrievedChunk(chunkId: UUID(), docId: "orders/cancel", title: "Cancel", headingPath: "Cancel",
                                              score: 1, text: "You can cancel an order within 60 minutes of placing it.")]
        handedOff.memoryRecalled = ["open issue: Refund for order 5521 not received"]
        handedOff.ticket = Ticket(id: "T-00007", customerId: "c1", openedAt: Date(), priority: .high, reasons: ["customer asked for a person"],
                                  summary: "refund", transcript: [])
        let review = AnswerReview.review(turn: turn(Conversation.Expectation()), reply: handedOff, check: check, checker: .init())
        #expect(review.unsupported.isEmpty, "\(review.unsupported)")
        // Without the memory, the quoted report has no source.
        handedOff.memoryRecalled = []
        let withoutMemory = AnswerReview.review(turn: turn(Conversation.Expectation()), reply: handedOff, check: check, checker: .init())
        #expect(withoutMemory.unsupported.map(\.text) == ["Refund for order 5521 not received"])
    }

    @Test func answerMetricsCountLabeledGroundedRepeatedAndMarkedUpAnswers() throws {
        func record(_ conversation: String, _ index: Int, answer: String, review: AnswerReview) -> TurnRecord {
            var record = makeRecord(conversation, index)
            record.prediction?.answerReview = review
            let prediction = try? #require(record.prediction)
            record.prediction = prediction.map { old in
                var new = Prediction(intent: old.intent, confidence: old.confidence, category: old.category,
                                     categoryConfidence: old.categoryConfidence, rankedDocIds: [], retrieved: [],
                                     escalated: false, escalationReasons: [], ticketId: nil, memoryRecalled: [],
                                     answer: answer, classifier: "fake", timings: StageTimings())
                new.answerReview = review
                return new
            }
            return record
        }
        let records = [
            record("A", 0, answer: "Cancel within 60 minutes.", review: AnswerReview(groundedness: 1, failures: [])),
            record("A", 1, answer: "Cancel  within 60 minutes.", review: AnswerReview(
                groundedness: 0.4, unsupported: [.init(text: "x", reason: "y")], markup: ["{%"],
                failures: ["answer.contains: \"x\" not in the answer"])),
            record("B", 0, answer: "Hello!", review: AnswerReview(groundedness: nil)),
        ]
        let metrics = EvalMetrics.compute(records: records, bootstrap: Bootstrap(resamples: 50)).metrics
        #expect(metrics[MetricName.answerPassRate]?.value == 0.5 && metrics[MetricName.answerPassRate]?.n == 2)
        #expect(metrics[MetricName.answerGroundedness]?.value == 0.7 && metrics[MetricName.answerGroundedness]?.n == 2)
        #expect(metrics[MetricName.answerUnsupportedRate]?.value == 0.5)
        #expect(metrics[MetricName.answerRepetitionRate]?.value == 1.0 / 3)
        #expect(metrics[MetricName.answerMarkupRate]?.value == 1.0 / 3)
        #expect(metrics[MetricName.answerGroundedness]?.ciLow != nil)
        // The answer failures make the turn fail.
        #expect(records[1].unmetExpectations == ["answer.contains: \"x\" not in the answer"])
        #expect(MetricName.isLowerBetter(MetricName.answerUnsupportedRate))
    }
}
