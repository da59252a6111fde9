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
        let words = LexiconText(message)
        // Two different angry phrases are two signs ("ridiculous ... worst experience"); more add nothing.
        cues += words.matches(lexicon).prefix(2).map { "word \"\($0)\"" }
        var letters = 0, upper = 0
        for scalar in message.unicodeScalars where Self.isLetter(scalar) {
            letters += 1
            if Self.isUppercase(scalar) { upper += 1 }
        }
        if letters >= 8, Double(upper) >= 0.7 * Double(letters) { cues.append("shouting") }
        if message.contains("!!") || message.contains("?!") || message.contains("!?") || message.contains("???") {
            cues.append("\"!!\"")
        }
        if !words.words.isEmpty, earlierMessages.contains(where: { Self.normalizedWords($0) == words.words }) {
            cues.append("repeated message")
        }
        return cues
    }

    /// Lower-case words with apostrophes kept (`doesn't`, a typographic ’ read as '), punctuation dropped:
    /// words are runs of letters, marks and numbers (Unicode categories L, M and N).
    ///
    /// One pass over the scalars: every turn normalizes its message and the recent ones several times, and
    /// Foundation's `components(separatedBy:)` made this a tenth of an evaluation's CPU.
    static func normalizedWords(_ text: String) -> [String] {
        var words: [String] = []
        var word = String.UnicodeScalarView()
        for scalar in text.lowercased().unicodeScalars {
            if scalar == "'" || scalar == "\u{2019}" {
                word.append("'")
            } else if isWordScalar(scalar) {
                word.append(scalar)
            } else if !word.isEmpty {
                words.append(String(word))
                word = String.UnicodeScalarView()
            }
        }
        if !word.isEmpty { words.append(String(word)) }
        return words
    }

    /// Letters, marks and numbers (`CharacterSet.alphanumerics`).
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if isLetter(scalar) { return true }
        if scalar.isASCII { return ("0"..."9").contains(scalar) }
        switch scalar.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    /// Letters and marks (`CharacterSet.letters`).
    static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark:
            return true
        default:
            return false
        }
    }

    /// Upper- and title-case letters (`CharacterSet.uppercaseLetters`).
    static func isUppercase(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return ("A"..."Z").contains(scalar) }
        let category = scalar.properties.generalCategory
        return category == .uppercaseLetter || category == .titlecaseLetter
    }
}
