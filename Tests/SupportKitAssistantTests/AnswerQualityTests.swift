import Foundation
import SupportKit
import SupportKitStore
import Testing
@testable import SupportKitAssistant

/// Answers that answer: the step before the caveat, no reply given twice, a resolution acknowledged.
@Suite struct AnswerQualityTests {
    /// A help article of a password-manager-like product, written for these tests.
    static let passphrase = AssistantFixtures.chunk(
        "account/forgotten-passphrase", title: "Forgotten vault passphrase", category: "account", heading: "Get back into your vault",
        text: """
        Your vault passphrase is never sent to us, so support cannot read it or reset it for you.
        If you forgot your vault passphrase and never saved a recovery kit, the vault cannot be opened again: you will need to delete your account and start a new one.
        Select Use recovery kit on the unlock screen to get back into your vault.
        Enter the 24-word phrase from the recovery kit you printed when you set up the vault.
        Choose a new passphrase and unlock your vault with it.
        """)

    func context(_ message: String, intent: String = "question", hits: [KnowledgeBase.Hit], earlierReplies: [String] = [], resolution: Bool = false) -> ResponseContext {
        ResponseContext(
            customerId: "c", message: message,
            classification: Classification(intent: intent, confidence: 0.9, category: "account", categoryConfidence: 0.9, classifier: "t"),
            hits: hits, recall: .init(), decision: .init(reasons: [], priority: .low), ticket: nil,
            reportsResolution: resolution, earlierReplies: earlierReplies)
    }

    var passphraseHits: [KnowledgeBase.Hit] { [KnowledgeBase.Hit(chunk: Self.passphrase, score: 1, similarity: 0.8)] }

    @Test func leadsWithTheRecoveryStepsNotTheUnrecoverableCase() {
        let response = ExtractiveResponder().compose(context("I forgot my vault passphrase, how do I get back into my vault?", hits: passphraseHits))
        let lines = response.text.split(separator: "\n").map(String.init)
        #expect(lines.first == "Select Use recovery kit on the unlock screen to get back into your vault. [1]")
        #expect(!response.text.contains("delete your account"))
    }

    @Test func caveatsAndStepsAreRecognised() {
        #expect(ExtractiveResponder.isCaveat("Unless you saved a backup, the data is gone."))
        #expect(ExtractiveResponder.isCaveat("You will need to delete your account and start a new one."))
        #expect(!ExtractiveResponder.isCaveat("Open Orders and choose Track package."))
        #expect(ExtractiveResponder.isStep("Open Orders and choose Track package."))
        #expect(ExtractiveResponder.isStep("2. Enter the code."))
        #expect(!ExtractiveResponder.isStep("Tracking updates can take 24 hours."))
        // Without a "how do I", a plain fact question keeps the plain word-overlap ranking.
        #expect(ExtractiveResponder.asksForSteps("how do I reset it?"))
        #expect(!ExtractiveResponder.asksForSteps("what is the refund window?"))
    }

    @Test func neverRepeatsAReplyAndSaysWhatElseItCanDo() {
        let responder = ExtractiveResponder()
        let question = "I forgot my vault passphrase, how do I get back into my vault?"
        let first = responder.compose(context(question, hits: passphraseHits))
        let second = responder.compose(context("I forgot the passphrase, how do I get into the vault again?", hits: passphraseHits, earlierReplies: [first.text]))
        #expect(second.text != first.text)
        // No sentence quoted in the first reply is quoted again.
        let firstLines = Set(ExtractiveResponder.quotedSentences(in: first.text))
        #expect(!firstLines.isEmpty)
        #expect(firstLines.isDisjoint(with: ExtractiveResponder.quotedSentences(in: second.text)))
        // With nothing new left, it asks what did not work and offers a person, once; then it says something else.
        let third = responder.compose(context(question, hits: passphraseHits, earlierReplies: [first.text, second.text]))
        let fourth = responder.compose(context(question, hits: passphraseHits, earlierReplies: [first.text, second.text, third.text]))
        let fifth = responder.compose(context(question, hits: passphraseHits, earlierReplies: [first.text, second.text, third.text, fourth.text]))
        let replies = [first.text, second.text, third.text, fourth.text, fifth.text]
        #expect(Set(replies).count == replies.count)
        #expect(replies.contains(ExtractiveResponder.nothingNew))
    }

    @Test func aNoArticleReplyIsNotRepeatedEither() {
        let responder = ExtractiveResponder()
        let first = responder.compose(context("blorp?", hits: []))
        let second = responder.compose(context("blorp??", hits: [], earlierReplies: [first.text]))
        #expect(first.text.contains("couldn't find an article"))
        #expect(second.text != first.text)
    }

    @Test func smallTalkIsNotRepeatedWordForWordAndSaysWhatDecidedIt() async throws {
        let first = SmallTalk.reply(to: .thanks)
        #expect(SmallTalk.reply(to: .thanks, avoiding: [first]) != first)
        let assistant = try await AssistantFixtures.assistant(classifier: KeywordClassifier([], fallback: ("escalate", 0.82, nil, 0)))
        var state = ConversationState(customerId: "ivy")
        let hello = try await assistant.respond(to: "hi", state: &state)
        let again = try await assistant.respond(to: "hello there", state: &state)
        // The reply carries the decision (small talk), not the unused intent as a verdict: no escalation.
        #expect(hello.smallTalk == "greeting")
        #expect(hello.escalated == false)
        #expect(hello.outOfScope != true)
        #expect(again.text != hello.text)
    }

    @Test func aResolutionIsAcknowledgedWhateverTheIntent() {
        let response = ExtractiveResponder().compose(context("ok it works now, thanks!", intent: "problem", hits: passphraseHits, resolution: true))
        #expect(response.text.contains("Glad to hear it's sorted"))
        #expect(response.sources.isEmpty)
        #expect(!response.text.contains("[1]"))
    }

    @Test func theConversationsOwnTurnsAreNotRecalledAsOpenIssues() async throws {
        let classifier = KeywordClassifier([("password", "problem", 0.9, "account", 0.9)])
        let assistant = try await AssistantFixtures.assistant(classifier: classifier)
        var state = ConversationState(customerId: "fern")
        _ = try await assistant.respond(to: "I forgot my password and the reset page is blank", state: &state)
        let second = try await assistant.respond(to: "the forgot password page is still blank", state: &state)
        #expect(!second.memoryRecalled.contains { $0.hasPrefix("open issue:") || $0.hasPrefix("past:") })
        #expect(!second.text.contains("earlier report is still open"))
        // A later conversation does recall it: that is what memory is for.
        var later = ConversationState(customerId: "fern")
        let next = try await assistant.respond(to: "my password reset page is blank again", state: &later)
        #expect(next.memoryRecalled.contains { $0.hasPrefix("open issue: I forgot my password") })
    }

    @Test func theSameQuestionTwiceGetsTwoDifferentReplies() async throws {
        let classifier = KeywordClassifier([("password", "question", 0.9, "account", 0.9)])
        let assistant = try await AssistantFixtures.assistant(classifier: classifier)
        var state = ConversationState(customerId: "gus")
        let first = try await assistant.respond(to: "how do I reset my password?", state: &state)
        let second = try await assistant.respond(to: "how do I reset my password?", state: &state)
        #expect(first.text != second.text)
    }
}
