import Foundation
import SupportKit
import Testing
@testable import SupportKitAssistant

/// `assistant.lexicon`: the phrase lists are settings, and a security cue needs an account or fraud context.
@Suite struct LexiconConfigurationTests {
    @Test func aSecurityWordWithoutAnAccountOrFraudContextIsNoConcern() {
        let lexicon = SupportLexicon.standard
        #expect(lexicon.securityConcerns(LexiconText("Is Acme ISO 27001 certified? Our security team needs the audit report.")).isEmpty)
        #expect(lexicon.securityConcerns(LexiconText("our security people want your pen test summary")).isEmpty)
        #expect(lexicon.securityConcerns(LexiconText("please get your security team, someone got into my account")) == ["security team"])
        #expect(lexicon.securityConcerns(LexiconText("I think I was hacked")) == ["hacked"])
        #expect(lexicon.securityConcerns(LexiconText("there are two charges on my card I didn't make")) == ["didn't make"])
    }

    @Test func listsAreExtendedReplacedAndTrimmedFromYAML() throws {
        let yaml = """
        assistant:
          lexicon:
            security: [takeover]
            security_context:
              add: [wallet]
            resolution:
              replace: [all fixed, "Works Now!"]
            frustration:
              remove: [manager]
            small_talk:
              greeting: [yo, ahoy]
              thanks:
                replace: [ta]
        """
        let configuration = try AssistantConfiguration.parse(yaml: yaml, path: "supportkit.yaml")
        let lexicon = SupportLexicon.standard.applying(configuration.lexicon)
        #expect(lexicon.securityPhrases.last == "takeover")
        #expect(lexicon.securityPhrases.contains("hacked"))
        #expect(lexicon.securityConcerns(LexiconText("a takeover of my wallet")) == ["takeover"])
        #expect(lexicon.resolutionPhrases == ["all fixed", "works now"])
        #expect(!lexicon.frustrationPhrases.contains("manager"))
        #expect(lexicon.frustrationPhrases.contains("furious"))
        #expect(lexicon.smallTalk[.greeting]?.contains("ahoy") == true)
        #expect(lexicon.smallTalk[.greeting]?.contains("hello") == true)
        #expect(lexicon.smallTalk[.thanks] == ["ta"])
        let smallTalk = SmallTalk(lexicon: lexicon)
        #expect(smallTalk.kind(of: LexiconText("ahoy there")) == .greeting)
        #expect(smallTalk.kind(of: LexiconText("thanks")) == nil)
    }

    @Test func anAssistantUsesTheConfiguredLexicon() async throws {
        var configuration = AssistantFixtures.configuration
        configuration.lexicon.smallTalk[.greeting] = .init(add: ["ahoy"])
        let assistant = try await AssistantFixtures.assistant(classifier: KeywordClassifier([]), configuration: configuration)
        var state = ConversationState(customerId: "h")
        let reply = try await assistant.respond(to: "ahoy!", state: &state)
        #expect(reply.smallTalk == "greeting")
        #expect(reply.escalated == false)
    }

    @Test func anUnknownListOrKindNamesItsPlace() {
        let unknownList = "assistant:\n  lexicon:\n    securty: [x]\n"
        #expect(throws: InputError.self) { _ = try AssistantConfiguration.parse(yaml: unknownList, path: "supportkit.yaml") }
        do {
            _ = try AssistantConfiguration.parse(yaml: "assistant:\n  lexicon:\n    small_talk:\n      greting: [yo]\n", path: "supportkit.yaml")
            Issue.record("an unknown small-talk kind must be an error")
        } catch let error as InputError {
            #expect(error.description.hasPrefix("supportkit.yaml:4:"))
            #expect(error.description.contains("greting"))
        } catch {
            Issue.record("unexpected \(error)")
        }
        do {
            _ = try AssistantConfiguration.parse(yaml: "assistant:\n  lexicon:\n    security:\n      ad: [x]\n", path: "supportkit.yaml")
            Issue.record("an unknown edit key must be an error")
        } catch let error as InputError {
            #expect(error.description.contains("add, remove, replace"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
