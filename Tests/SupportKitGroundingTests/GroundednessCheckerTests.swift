import Foundation
import Testing
@testable import SupportKitGrounding

@Suite struct GroundednessCheckerTests {
    let checker = GroundednessChecker()
    let source = """
        You can cancel an order within 60 minutes of placing it. Open Order history, choose the order and select \
        Cancel order. After 60 minutes the order is packed and cannot be cancelled; start a return instead. \
        Refunds reach your card in 5 business days. Support is open from 9:00 am to 5:00 pm. Premium costs $12.99 \
        a month and includes 20% off shipping. Write to help@example.com or call 555-123-4567. Details: \
        https://example.com/help/cancel
        """

    @Test func aFaithfulAnswerIsSupported() {
        let verdict = checker.check(
            response: "You can cancel an order within 60 minutes of placing it. Open Order history and select Cancel order.",
            sources: [source])
        #expect(verdict.supported)
        #expect(verdict.unsupported.isEmpty)
        #expect(verdict.score > 0.9)
    }

    @Test func aChangedNumberIsAConflictWithItsReason() throws {
        let verdict = checker.check(response: "You can cancel an order within 14 days of placing it.", sources: [source])
        #expect(!verdict.supported)
        let claim = try #require(verdict.unsupported.first)
        #expect(claim.reason == "\"14 days\" not in any source; sources say \"60 minutes\", \"5 business days\"")
    }

    @Test func equalDurationsInOtherUnitsAgree() {
        let verdict = checker.check(response: "You can cancel an order within 1 hour of placing it.", sources: [source])
        #expect(verdict.unsupported.isEmpty)
        #expect(verdict.supported)
    }

    @Test func aChangedDurationIsAConflict() throws {
        let verdict = checker.check(response: "Refunds reach your card in 10 business days.", sources: [source])
        let claim = try #require(verdict.unsupported.first)
        #expect(claim.reason?.hasPrefix("\"10 business days\" not in any source") == true)
    }

    @Test func aChangedTimeIsAConflict() throws {
        let verdict = checker.check(response: "Support is open from 9:00 am to 8 pm.", sources: [source])
        #expect(!verdict.supported)
        let claim = try #require(verdict.unsupported.first)
        #expect(claim.reason == "\"8 pm\" not in any source; sources say \"9:00 am\", \"5:00 pm\"")
        // The same time written another way agrees.
        #expect(checker.check(response: "Support is open from 9 am to 17:00.", sources: [source]).unsupported.isEmpty)
    }

    @Test func aChangedAmountAndPercentageAreConflicts() {
        #expect(!checker.check(response: "Premium costs $14.99 a month.", sources: [source]).supported)
        #expect(!checker.check(response: "Premium includes 25% off shipping.", sources: [source]).supported)
        #expect(checker.check(response: "Premium costs $12.99 a month and includes 20% off shipping.",
                              sources: [source]).supported)
    }

    @Test func aFlippedYesNoIsAConflict() throws {
        let verdict = checker.check(response: "After 60 minutes the order is packed and can be cancelled.",
                                    sources: [source])
        #expect(!verdict.supported)
        let claim = try #require(verdict.unsupported.first)
        #expect(claim.reason == "says \"can be cancelled\" but the sources say \"cannot be cancelled\"")
        let added = checker.check(response: "You cannot cancel an order within 60 minutes of placing it.", sources: [source])
        #expect(!added.supported)
        #expect(added.unsupported.first?.reason?.hasPrefix("says \"cannot cancel\" but the sources state \"cancel\"") == true)
        // A negation the sources share is no conflict, nor is one in another clause of the source.
        #expect(checker.check(response: "After 60 minutes the order cannot be cancelled.", sources: [source]).supported)
    }

    @Test func anotherProductIsAConflict() throws {
        let verdict = checker.check(response: "Open Order history in Acme Wallet and select Cancel order.", sources: [source])
        #expect(!verdict.supported)
        let claim = try #require(verdict.unsupported.first)
        #expect(claim.reason == "\"Acme Wallet\" is not named in any source")
    }

    @Test func linksAddressesAndPhoneNumbersMustMatch() {
        #expect(checker.check(response: "Write to help@example.com for details.", sources: [source]).unsupported.isEmpty)
        #expect(!checker.check(response: "Write to billing@example.com for details.", sources: [source]).supported)
        #expect(!checker.check(response: "Or call 555-987-6543 for details.", sources: [source]).supported)
        #expect(checker.check(response: "Details: https://example.com/help/cancel.", sources: [source]).unsupported.isEmpty)
        #expect(!checker.check(response: "Details: https://example.com/help/refunds", sources: [source]).supported)
    }

    @Test func pleasantriesAndQuestionsDoNotCount() {
        let plain = checker.check(response: "You can cancel an order within 60 minutes of placing it.", sources: [source])
        let polite = checker.check(response: """
            Hi there! I'm sorry to hear that. You can cancel an order within 60 minutes of placing it. \
            Would you like me to open a ticket? Let me know if you have any other questions. Have a great day!
            """, sources: [source])
        #expect(polite.claims.count == 1)
        #expect(polite.score == plain.score)
        #expect(polite.supported)
    }

    @Test func talkAboutTheConversationDoesNotCount() {
        // The framing an assistant puts around what it quotes: lead-ins and invitations to reply.
        let plain = checker.check(response: "You can cancel an order within 60 minutes of placing it.", sources: [source])
        let framed = checker.check(response: """
            Here is something else from our help articles that may help:
            You can cancel an order within 60 minutes of placing it. [1]

            If this doesn't solve it, reply and tell me what you see.
            """, sources: [source])
        #expect(framed.claims.map(\.text) == ["You can cancel an order within 60 minutes of placing it."])
        #expect(framed.score == plain.score && framed.supported)
        #expect(ClaimSplitter.pieces(of: "In the meantime, this may help:").first?.skipped == .conversational)
        // Statements about the product stay claims, however conversational their tone.
        for claim in ["Refunds reach your card within 10 days.", "You can try the steps in Settings > Billing.",
                      "Deleted orders cannot be restored:", "Reply to the confirmation e-mail to change the address."] {
            #expect(ClaimSplitter.pieces(of: claim).first?.skipped == nil, "\(claim)")
        }
    }

    @Test func theAssistantsOwnFramingIsNotAClaim() {
        // Empathy, a request for details, an acknowledgement of feedback: what a support assistant says around
        // the knowledge, never about the product.
        for talk in ["Sorry you're running into this.", "If this doesn't solve it, reply with your order number and I'll look into it.",
                     "Thank you for the feedback; I've recorded it for the team."] {
            #expect(ClaimSplitter.pieces(of: talk).first?.skipped != nil, "\(talk)")
        }
        // The ticket notice is the whole paragraph that names the turn's ticket.
        let notice = """
            I've passed this to our support team (ticket T-00042, high priority). A person will follow up with you by email.

            You can cancel an order within 60 minutes of placing it.
            """
        let verdict = checker.check(response: notice, sources: GroundingSources([source]), notices: ["T-00042"])
        #expect(verdict.claims.map(\.text) == ["You can cancel an order within 60 minutes of placing it."])
        #expect(verdict.supported)
        // Without the marker, the notice is judged like any sentence, and the knowledge base does not hold it.
        #expect(!checker.check(response: notice, sources: [source]).unsupported.isEmpty)
        // A lead-in to a quotation: the quotation is the claim.
        #expect(ClaimSplitter.pieces(of: "I can see your earlier report is still open: \"Refund not received\".").map(\.text)
                == ["Refund not received"])
        // A count of what is quoted is not a claim either; the quoted titles are.
        #expect(ClaimSplitter.pieces(of: "I found two articles that could answer this: \"Cancel an order\" and \"Refunds\".").map(\.text)
                == ["Cancel an order\" and \"Refunds"])
        for offer in ["Here is what the first says:", "If you'd rather have a person look at it, say so and I'll pass it to our support team.",
                      "I've noted that the issue is resolved."] {
            #expect(ClaimSplitter.pieces(of: offer).first?.skipped != nil, "\(offer)")
        }
        // A request that states a fact of its own stays a claim.
        #expect(ClaimSplitter.pieces(of: "Reply with the code from the 6-digit SMS within 10 minutes.").first?.skipped == nil)
    }

    @Test func dashesBetweenNumbersAndWordsSeparateThem() {
        let range = "Standard delivery takes 3–5 business days; returns are open 10,000–9000 BC—no, within 30 days."
        let tokens = GroundingTokenizer.tokens(range).map(\.key)
        #expect(tokens.contains("3") && tokens.contains("5") && tokens.contains("10000") && tokens.contains("9000"))
        #expect(checker.check(response: "Delivery takes 5 business days.", sources: [range]).unsupported.allSatisfy { !($0.reason ?? "").contains("not in any source") })
        // The typographic apostrophe still keeps a word whole.
        #expect(GroundingTokenizer.tokens("don’t").map(\.text) == ["don't"])
    }

    @Test func anAnswerWithoutClaimsIsNeitherSupportedNorContradicted() {
        let verdict = checker.check(response: "Thanks for reaching out! Could you share your order number?", sources: [source])
        #expect(verdict.claims.isEmpty)
        #expect(verdict.score == 0.5)
        #expect(!verdict.supported)
    }

    @Test func unrelatedWordingIsUnsupportedWithTheMissingWords() throws {
        let verdict = checker.check(
            response: "You can cancel an order within 60 minutes. Delete your account and start a new one.",
            sources: [source])
        let claim = try #require(verdict.unsupported.first)
        #expect(verdict.unsupported.count == 1)
        #expect(claim.text == "Delete your account and start a new one.")
        #expect(claim.reason?.contains("not found: \"delete\", \"account\", \"new\"") == true)
    }

    @Test func listItemsAreClaimsAndCitationsAreNotNumbers() {
        let verdict = checker.check(response: """
            To cancel:
            1. Open Order history [1].
            2. Select Cancel order [1].
            """, sources: [source])
        #expect(verdict.claims.map(\.text) == ["To cancel:", "Open Order history.", "Select Cancel order."])
        #expect(verdict.claims.dropFirst().allSatisfy { $0.reason == nil })
    }

    @Test func numberWordsMatchDigits() {
        let verdict = checker.check(response: "The duo has earned 2 platinum and 5 gold albums.",
                                    sources: ["The duo has earned two platinum and five gold albums."])
        #expect(verdict.supported)
        #expect(verdict.score > 0.95)
    }
}
