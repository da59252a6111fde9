import Foundation

/// Finds signs that a customer is losing patience: angry words, shouting, runs of `!`/`?`, and
/// sending the same message again.
///
/// Each kind of sign counts once, except lexicon phrases, of which up to two count; the escalation policy
/// compares the number of cues with its threshold.
public struct FrustrationDetector: Sendable {
    /// Lower-case phrases that signal frustration; matched on word boundaries.
    public var lexicon: [String]

    /// A detector with `lexicon` (the built-in list by default).
    public init(lexicon: [String] = FrustrationDetector.defaultLexicon) {
        self.lexicon = lexicon
    }

    /// The built-in list: ``SupportLexicon/standard``'s frustration phrases.
    public static var defaultLexicon: [String] { SupportLexicon.standard.frustrationPhrases }

    /// The signs found in `message`, given the customer's earlier messages in the conversation.
    /// - Returns: human-readable cues such as `word "ridiculous"`, `shouting`, `"!!"`, `repeated message`.
    public func cues(in message: String, earlierMessages: [String] = []) -> [String] {
        var cues: [String] = []
        let lowered = " " + Self.normalizedWords(message).joined(separator: " ") + " "
        // Two different angry phrases are two signs ("ridiculous ... worst experience"); more add nothing.
        let found = lexicon.filter { lowered.contains(" " + $0 + " ") }
        cues += found.prefix(2).map { "word \"\($0)\"" }
        let letters = message.unicodeScalars.filter { CharacterSet.letters.contains($0) }
        let upper = letters.filter { CharacterSet.uppercaseLetters.contains($0) }
        if letters.count >= 8, Double(upper.count) >= 0.7 * Double(letters.count) { cues.append("shouting") }
        if message.contains("!!") || message.contains("?!") || message.contains("!?") || message.contains("???") {
            cues.append("\"!!\"")
        }
        let normalized = Self.normalizedWords(message).joined(separator: " ")
        if !normalized.isEmpty, earlierMessages.contains(where: { Self.normalizedWords($0).joined(separator: " ") == normalized }) {
            cues.append("repeated message")
        }
        return cues
    }

    /// Lower-case words with apostrophes kept (`doesn't`), punctuation dropped.
    static func normalizedWords(_ text: String) -> [String] {
        text.lowercased()
            .replacingOccurrences(of: "\u{2019}", with: "'")
            .components(separatedBy: CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "'")).inverted)
            .filter { !$0.isEmpty }
    }
}
