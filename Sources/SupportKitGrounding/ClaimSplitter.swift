import Foundation

/// Splits an answer into the claims the groundedness checker judges: sentences and list items.
///
/// Questions back to the customer and pleasantries ("Happy to help!", "Let me know if anything else comes up.")
/// state nothing about the product, so they are kept apart and never count against an answer.
enum ClaimSplitter {
    /// One sentence or list item of a text.
    struct Piece: Sendable, Hashable {
        /// The text as written, without a list marker or citation markers ("[1]").
        var text: String
        /// Why it is not a claim, or nil when it is one.
        var skipped: Skip?
    }

    /// Why a piece of an answer is not judged.
    enum Skip: String, Sendable, Hashable {
        case question, pleasantry, conversational, empty
    }

    /// The sentences and list items of `text`, each marked as a claim or not.
    static func pieces(of text: String) -> [Piece] {
        sentences(of: text).map { sentence in
            let tokens = GroundingTokenizer.tokens(sentence)
            if tokens.isEmpty { return Piece(text: sentence, skipped: .empty) }
            if sentence.hasSuffix("?") { return Piece(text: sentence, skipped: .question) }
            if isPleasantry(tokens) { return Piece(text: sentence, skipped: .pleasantry) }
            if isConversational(sentence, tokens) { return Piece(text: sentence, skipped: .conversational) }
            return Piece(text: sentence, skipped: nil)
        }
    }

    /// The sentences of `text`: lines split at `.`, `!` or `?` followed by white space; list markers and
    /// citation markers removed. Abbreviations such as "e.g." and "Mr." do not end a sentence.
    static func sentences(of text: String) -> [String] {
        var result: [String] = []
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = withoutCitations(withoutListMarker(Substring(rawLine)))
            var current = ""
            var previousWord = ""
            let characters = Array(line)
            for (index, character) in characters.enumerated() {
                current.append(character)
                if character.isLetter || character.isNumber {
                    previousWord.append(character)
                } else if character != "." {
                    previousWord = ""
                }
                guard character == "." || character == "!" || character == "?" else { continue }
                let nextIsSpace = index + 1 >= characters.count || characters[index + 1].isWhitespace
                guard nextIsSpace else { continue }
                if character == ".", isAbbreviation(previousWord) { continue }
                append(current, to: &result)
                current = ""
                previousWord = ""
            }
            append(current, to: &result)
        }
        return result
    }

    private static func append(_ sentence: String, to result: inout [String]) {
        let trimmed = sentence.trimmingCharacters(in: .whitespacesAndNewlines)
        if !trimmed.isEmpty { result.append(trimmed) }
    }

    private static func isAbbreviation(_ word: String) -> Bool {
        let lower = word.lowercased()
        return lower.count == 1 || abbreviations.contains(lower)
    }

    private static let abbreviations: Set<String> = ["eg", "e.g", "ie", "i.e", "etc", "vs", "mr", "mrs", "ms", "dr", "st", "approx"]

    private static func withoutListMarker(_ line: Substring) -> Substring {
        var line = line.drop(while: \.isWhitespace)
        if let first = line.first, "-*•+>".contains(first), line.dropFirst().first?.isWhitespace ?? false {
            return line.dropFirst(2)
        }
        let digits = line.prefix(while: \.isNumber)
        if !digits.isEmpty, digits.count <= 3 {
            let rest = line.dropFirst(digits.count)
            if let marker = rest.first, marker == "." || marker == ")", rest.dropFirst().first?.isWhitespace ?? false {
                line = rest.dropFirst(2)
            }
        }
        return line
    }

    /// "Cancel it from Order history [1]." -> "Cancel it from Order history ." (a citation is not a number).
    private static func withoutCitations(_ line: Substring) -> String {
        guard line.contains("[") else { return String(line) }
        var result = ""
        var index = line.startIndex
        while index < line.endIndex {
            if line[index] == "[" {
                let rest = line[line.index(after: index)...]
                let digits = rest.prefix(while: \.isNumber)
                if !digits.isEmpty, rest.dropFirst(digits.count).first == "]" {
                    if result.last == " " { result.removeLast() }
                    index = line.index(index, offsetBy: digits.count + 2)
                    continue
                }
            }
            result.append(line[index])
            index = line.index(after: index)
        }
        return result
    }

    /// Whether a sentence is courtesy rather than content: nearly all of its words are the vocabulary of
    /// greetings, thanks, apologies and offers of further help.
    static func isPleasantry(_ tokens: [GroundingToken]) -> Bool {
        let content = tokens.filter { !$0.isStopword }
        guard !content.isEmpty, content.count <= 10, !content.contains(where: \.isNumeric) else { return false }
        let courteous = content.filter { pleasantryWords.contains($0.text) }.count
        return courteous * 5 >= content.count * 4
    }

    /// Whether a sentence talks about the conversation rather than the product: a lead-in to what follows
    /// ("In the meantime, this may help:") or an invitation to reply ("If this doesn't solve it, reply and tell me
    /// what you see."). Nearly all of its words are the vocabulary of such talk, and it states no number, so a
    /// claim about the product ("Refunds reach your card within 10 days") is never one.
    static func isConversational(_ sentence: String, _ tokens: [GroundingToken]) -> Bool {
        let content = tokens.filter { !$0.isStopword }
        guard !content.isEmpty, content.count <= 14, !content.contains(where: \.isNumeric) else { return false }
        let talk = content.filter { pleasantryWords.contains($0.text) || conversationWords.contains($0.text) }.count
        if sentence.hasSuffix(":"), content.count <= 8 { return talk * 2 >= content.count }
        return talk * 5 >= content.count * 4
    }

    /// Words of talk about the conversation itself: replying, trying steps, handing over to a person, what was
    /// found and shared.
    private static let conversationWords: Set<String> = [
        "reply", "respond", "tell", "solve", "solves", "solved", "sort", "sorted", "fix", "fixes", "fixed", "work",
        "works", "worked", "doesn't", "didn't", "isn't", "don't", "look", "looking", "take", "person", "human",
        "hand", "say", "know", "meantime", "may", "might", "something", "articles", "article", "found", "here",
        "here's", "following", "below", "shared", "already", "new", "add", "steps", "step", "tried", "try", "still",
        "mind", "follow", "send", "details", "describe", "words", "explain", "information", "screen", "happened",
        "rather", "meanwhile", "things", "useful", "relevant", "helpful",
    ]

    private static let pleasantryWords: Set<String> = [
        "hi", "hello", "hey", "thanks", "thank", "sorry", "hear", "happy", "help", "helps", "helped", "glad", "hope",
        "let", "questions", "question", "anything", "else", "welcome", "great", "day", "reaching", "contacting",
        "good", "morning", "afternoon", "evening", "apologize", "apologies", "inconvenience", "understand",
        "frustration", "frustrating", "assist", "pleasure", "nice", "wonderful", "weekend", "cheers", "regards",
        "best", "team", "feel", "free", "ask", "reach", "patience", "appreciate", "please", "sure", "certainly",
        "absolutely", "okay", "ok", "gladly", "hopefully", "further", "need", "any", "other", "more", "wish",
        "today", "there", "lol", "haha", "cool", "awesome", "wow", "agree", "totally", "definitely", "assistance",
        "problem", "worries", "reached", "touch", "see", "love", "enjoy", "bye", "goodbye", "care",
    ]
}
