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
