import Foundation
import Testing
import SupportKit
import SupportKitStore
import Synchronization
@testable import SupportKitAssistant

@Suite struct LexiconTests {
    let lexicon = SupportLexicon.standard

    @Test func phrasesMatchOnWordBoundaries() {
        #expect(lexicon.securityConcerns(LexiconText("there's an order for a TV I never placed")) == ["never placed"])
        #expect(lexicon.securityConcerns(LexiconText("I placed an order for a TV")).isEmpty)
        #expect(lexicon.reportsPersistence(LexiconText("Still broken!")))
        #expect(!lexicon.reportsPersistence(LexiconText("I distill water")))
        #expect(lexicon.reportsResolution(LexiconText("that worked, thanks")))
        #expect(!lexicon.reportsResolution(LexiconText("it's still not sorted")))
        #expect(lexicon.claimsRepeat(LexiconText("third time I write")))
        #expect(lexicon.isAffirmation(LexiconText("Yes please!")))
    }

    @Test func aTeamLexiconReplacesTheBuiltInOne() async throws {
        var lexicon = SupportLexicon.standard
        lexicon.securityPhrases = ["piratage"]
        // A team writing another language gives the account words a security phrase needs too.
        lexicon.securityContext = ["compte", "carte"]
        let base = try await AssistantFixtures.assistant(classifier: KeywordClassifier([]))
        let assistant = SupportAssistant(
            configuration: base.configuration, embedder: base.embedder, classifier: base.classifier, knowledge: base.knowledge,
            memory: base.memory, tickets: base.tickets, lexicon: lexicon)
        var state = ConversationState(customerId: "vic")
        let reply = try await assistant.respond(to: "piratage de mon compte", state: &state)
        #expect(reply.escalationReasons.contains { $0.hasPrefix("security") })
    }
}
