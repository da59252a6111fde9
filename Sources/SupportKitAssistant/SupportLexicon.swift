import Foundation

/// Every phrase list the assistant matches messages against, in one place.
///
/// Phrases are lower-case word sequences matched on word boundaries of the message's normalized words
/// (``LexiconText``), so `"still"` matches "Still broken!" but not "distill". A team can replace any list
/// (another language, its own product words) by passing its own lexicon to the assistant.
public struct SupportLexicon: Sendable, Hashable {
    /// The customer says they reported this several times already ("third time", "keeps happening").
    public var repeatClaims: [String]
    /// Signs of an account takeover or fraud, which a person must handle; each counts only in a message that
    /// also names an account or fraud context (``securityContext``).
    public var securityPhrases: [String]
    /// What makes a security phrase a concern about the customer's account or money: "our security team needs
    /// the SOC 2 report" names none, "someone changed my password" does.
    public var securityContext: [String]
    /// The problem is still there ("still", "again", "didn't work").
    public var persistencePhrases: [String]
    /// The problem is solved ("that worked", "it's fixed").
    public var resolutionPhrases: [String]
    /// Words that turn a resolution phrase around ("not sorted", "still hasn't gone through").
    public var resolutionNegations: [String]
    /// Strong negative words, demands for a person, repeated failure (see ``FrustrationDetector``).
    public var frustrationPhrases: [String]
    /// Short agreements ("yes please", "ok do it") that accept what the previous reply offered.
    public var affirmations: [String]
    /// Small talk by kind (see ``SmallTalk``).
    public var smallTalk: [SmallTalk.Kind: [String]]
    /// Words small talk may carry without becoming a request ("hi there, thanks so much").
    public var smallTalkFillers: Set<String>

    /// The built-in English lexicon, tuned on the support conversations in `evals/`.
    public static let standard = SupportLexicon(
        repeatClaims: [
            "third time", "fourth time", "fifth time", "again and again", "so many times", "how many times",
            "keeps happening", "every month", "months in a row", "times now",
        ],
        securityPhrases: [
            "hacked", "fraudulent", "unauthorized", "unauthorised", "never placed", "didn't place", "did not place",
            "didn't buy", "did not buy", "didn't make", "did not do that", "wasn't me", "not me", "broke into",
            "stolen account", "identity theft", "security team", "security people", "compromised",
            "changed my password", "password was changed", "email was changed",
        ],
        securityContext: [
            "account", "accounts", "password", "login", "log in", "logged in", "sign in", "signed in", "card",
            "credit card", "charge", "charged", "charges", "payment", "paid", "order", "orders", "ordered",
            "purchase", "purchases", "bought", "email", "address", "fraud", "fraudulent", "hacked", "hacker",
            "identity theft", "stolen", "scammer", "bank", "refund", "2fa", "two factor", "profile", "phone number",
        ],
        persistencePhrases: [
            "still", "again", "not yet", "no luck", "didn't work", "doesn't work", "did not work", "does not work",
            "same problem", "same issue", "nothing happened", "keeps", "another", "never", "hasn't", "haven't",
            "any news", "any update",
        ],
        resolutionPhrases: [
            "that worked", "it worked", "this worked", "works now", "working now", "it's fixed", "is fixed", "fixed it",
            "that fixed", "solved", "resolved", "sorted", "all good", "problem gone", "went through", "all set",
            "that did it", "figured it out", "found it", "it arrived", "got it now",
        ],
        resolutionNegations: ["not", "still", "didn't", "doesn't", "never", "hasn't", "haven't", "isn't", "can't", "won't", "no"],
        frustrationPhrases: [
            "ridiculous", "unacceptable", "useless", "terrible", "awful", "worst", "pathetic", "joke", "scam",
            "fed up", "sick of", "tired of", "waste of time", "wasting my time", "furious", "angry", "annoyed",
            "frustrated", "frustrating", "disgusting", "incompetent", "nonsense", "horrible", "outrageous",
            "third time", "again and again", "still not", "still broken", "still doesn't", "still does not",
            "still hasn't", "nobody", "no one helps", "real person", "a human", "speak to someone", "talk to someone",
            "manager", "supervisor", "cancel everything", "never again", "lawyer", "complaint",
        ],
        affirmations: [
            "yes", "yes please", "yeah", "yep", "sure", "please do", "ok", "okay", "ok please", "do it", "go ahead",
            "yes do that", "please", "that would be great", "yes that would be great",
        ],
        smallTalk: [
            .greeting: [
                "hello", "hi", "hey", "hiya", "howdy", "greetings", "good morning", "good afternoon", "good evening",
                "hi there", "hello there", "hey there", "how are you", "how are you doing", "how's it going",
            ],
            .thanks: [
                "thanks", "thank you", "thx", "ty", "cheers", "many thanks", "much appreciated", "appreciate it",
                "thanks a lot", "thank you so much", "thanks so much", "great thanks", "ok thanks",
            ],
            .goodbye: [
                "bye", "goodbye", "bye bye", "see you", "see ya", "have a nice day", "have a good day", "take care",
                "that's all", "that is all", "that's it", "nothing else", "that's everything",
            ],
            .identity: [
                "are you a bot", "are you a robot", "are you human", "are you a human", "are you a real person",
                "are you real", "are you an ai", "is this a bot", "is this automated", "am i talking to a bot",
                "am i talking to a robot", "am i talking to a person", "am i chatting with a bot", "who are you",
                "what are you",
            ],
            .capabilities: [
                "what can you do", "what can you help with", "what can you help me with", "how can you help",
                "how can you help me", "what do you do", "what do you know", "what can i ask", "what can i ask you",
            ],
            .opening: [
                "i have a question", "i've got a question", "i have a quick question", "quick question",
                "i have a few questions", "i have some questions", "can you help me", "can you help", "could you help me",
                "i need help", "i need some help", "can i ask a question", "can i ask you something", "help",
            ],
        ],
        smallTalkFillers: ["so", "um", "uh", "oh", "well", "just", "and", "a", "again", "very", "much", "you", "guys",
                           "team", "folks", "there", "please", "ok", "okay", "great", "for", "the", "help", "all", "your",
                           "yes", "no", "sorry", "then", "i", "me", "one", "maybe"]
    )

    /// A lexicon with every list given.
    public init(
        repeatClaims: [String], securityPhrases: [String], securityContext: [String], persistencePhrases: [String],
        resolutionPhrases: [String], resolutionNegations: [String], frustrationPhrases: [String], affirmations: [String],
        smallTalk: [SmallTalk.Kind: [String]], smallTalkFillers: Set<String>
    ) {
        self.repeatClaims = repeatClaims
        self.securityPhrases = securityPhrases
        self.securityContext = securityContext
        self.persistencePhrases = persistencePhrases
        self.resolutionPhrases = resolutionPhrases
        self.resolutionNegations = resolutionNegations
        self.frustrationPhrases = frustrationPhrases
        self.affirmations = affirmations
        self.smallTalk = smallTalk
        self.smallTalkFillers = smallTalkFillers
    }

    /// Whether the customer says they have reported this several times already.
    public func claimsRepeat(_ text: LexiconText) -> Bool { text.containsAny(repeatClaims) }

    /// The security phrases in `text`, in lexicon order; none unless `text` also names an account or fraud
    /// context (a phrase that is itself one, "hacked", is its own context).
    public func securityConcerns(_ text: LexiconText) -> [String] {
        let found = text.matches(securityPhrases)
        guard !found.isEmpty, text.containsAny(securityContext) else { return [] }
        return found
    }

    /// Whether `text` says the problem is still there.
    public func reportsPersistence(_ text: LexiconText) -> Bool { text.containsAny(persistencePhrases) }

    /// Whether `text` says a problem is solved; a negation anywhere ("still not sorted") says it is not.
    public func reportsResolution(_ text: LexiconText) -> Bool {
        !text.containsAny(resolutionNegations) && text.containsAny(resolutionPhrases)
    }

    /// Whether the whole message is an agreement ("yes please").
    public func isAffirmation(_ text: LexiconText) -> Bool { affirmations.contains(text.words.joined(separator: " ")) }
}

/// A message normalized once for phrase matching: lower-case words, apostrophes kept, punctuation dropped.
public struct LexiconText: Sendable, Hashable {
    /// The words, in order.
    public let words: [String]
    /// The words joined by single spaces and padded with one space each side.
    private let padded: String

    /// Normalizes `message`.
    public init(_ message: String) {
        words = FrustrationDetector.normalizedWords(message)
        padded = " " + words.joined(separator: " ") + " "
    }

    /// Whether `phrase` occurs on word boundaries (a byte search: Foundation's `contains` on Linux goes
    /// through CFString and was most of a turn's lexicon cost).
    public func contains(_ phrase: String) -> Bool {
        var haystack = padded
        var needle = " " + phrase + " "
        return haystack.withUTF8 { text in
            needle.withUTF8 { pattern in
                guard text.count >= pattern.count else { return false }
                let first = pattern[0]
                for start in 0...(text.count - pattern.count) where text[start] == first {
                    var index = 1
                    while index < pattern.count, text[start + index] == pattern[index] { index += 1 }
                    if index == pattern.count { return true }
                }
                return false
            }
        }
    }

    /// Whether any of `phrases` occurs.
    public func containsAny(_ phrases: [String]) -> Bool { phrases.contains(where: contains) }

    /// The phrases that occur, in the order given.
    public func matches(_ phrases: [String]) -> [String] { phrases.filter(contains) }
}
