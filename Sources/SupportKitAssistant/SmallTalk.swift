import Foundation

/// Greetings, thanks, goodbyes and questions about the assistant itself: messages that ask for nothing in
/// the knowledge base and must never open a ticket, whatever intent a team's taxonomy gives them.
///
/// A message is small talk only when it is made entirely of small-talk phrases and filler words: "hi there,
/// are you a bot?" is, "hi, I was charged twice" is not (it carries a request, which the other stages answer).
public struct SmallTalk: Sendable {
    /// What kind of small talk a message is; when a message mixes kinds, the most specific one wins
    /// (identity over capabilities over opening over goodbye over thanks over greeting).
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case identity, capabilities, opening, goodbye, thanks, greeting
    }

    /// The phrases by kind, longest first, as word sequences.
    private let phrases: [(kind: Kind, words: [String])]
    private let fillers: Set<String>

    /// A recognizer over `lexicon.smallTalk`.
    public init(lexicon: SupportLexicon = .standard) {
        phrases = lexicon.smallTalk.flatMap { kind, list in list.map { (kind: kind, words: FrustrationDetector.normalizedWords($0)) } }
            .sorted { ($0.words.count, $1.kind.rawValue) > ($1.words.count, $0.kind.rawValue) }
        fillers = lexicon.smallTalkFillers
    }

    /// The kind of small talk `text` is, or nil when it says anything more.
    public func kind(of text: LexiconText) -> Kind? {
        let words = text.words
        var found: Set<Kind> = []
        var index = 0
        // Longest phrase first at each position, so "thank you so much" is one phrase, not "thank you" + rest.
        scan: while index < words.count {
            for phrase in phrases where index + phrase.words.count <= words.count
                && Array(words[index..<(index + phrase.words.count)]) == phrase.words {
                found.insert(phrase.kind)
                index += phrase.words.count
                continue scan
            }
            guard fillers.contains(words[index]) else { return nil }
            index += 1
        }
        return Kind.allCases.first(where: found.contains)
    }

    /// The reply to small talk of `kind`: polite, short, and pointing at what the assistant can do. A reply in
    /// `avoiding` (said earlier in the conversation) gives way to another wording of it.
    public static func reply(to kind: Kind, handoffOffered: Bool = true, avoiding earlier: [String] = []) -> String {
        let variants = replies(to: kind, handoffOffered: handoffOffered)
        return variants.first { !earlier.contains($0) } ?? variants[variants.count - 1]
    }

    /// Wordings of the reply to `kind`, the usual one first.
    static func replies(to kind: Kind, handoffOffered: Bool) -> [String] {
        let person = handoffOffered ? " If you'd rather talk to a person, just say so." : ""
        switch kind {
        case .greeting: return ["Hello! How can I help you today?", "Hi again! What can I do for you?", "I'm here. What would you like to know?"]
        case .opening: return ["Of course. What's your question?", "Sure, go ahead and ask.", "I'm listening: what do you need help with?"]
        case .thanks: return ["You're welcome! Is there anything else I can help with?", "Happy to help. Anything else?", "Any time!"]
        case .goodbye: return ["Thanks for getting in touch. Have a good day!", "Goodbye, and take care!", "Bye for now!"]
        case .identity: return [
            "I'm the automated support assistant: I answer from our help articles and remember what you've told me in this conversation.\(person)",
            "Yes, I'm an automated assistant, not a person.\(person)",
        ]
        case .capabilities: return [
            "I can answer questions from our help articles, keep track of what you've told me in this conversation, and hand you to our support team when something needs a person.\(person)",
            "Ask me anything our help articles cover; if it needs a person, I'll pass it to our support team.\(person)",
        ]
        }
    }
}
