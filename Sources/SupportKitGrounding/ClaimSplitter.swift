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
        /// A notice about what the assistant did (it names the turn's ticket): checked by the escalation
        /// expectations, not against the knowledge base.
        case question, pleasantry, conversational, notice, empty
    }

    /// The sentences and list items of `text`, each marked as a claim or not.
    ///
    /// - Parameter notices: markers of the assistant's notices about its own actions (the ticket id it opened);
    ///   a sentence holding one is not a claim about the product.
    static func pieces(of text: String, notices: [String] = []) -> [Piece] {
        let markers = notices.filter { !$0.isEmpty }
        guard !markers.isEmpty else { return sentences(of: text).map(piece) }
        // A notice is its whole paragraph: "I've passed this on (ticket T-00042). A person will follow up by email."
        return text.split(whereSeparator: \.isNewline).flatMap { line in
            let isNotice = markers.contains { line.contains($0) }
            return sentences(of: String(line)).map { isNotice ? Piece(text: $0, skipped: .notice) : piece($0) }
        }
    }

    private static func piece(_ sentence: String) -> Piece {
        if let quoted = quotation(afterLeadIn: sentence) { return piece(quoted) }
        let tokens = GroundingTokenizer.tokens(sentence)
        if tokens.isEmpty { return Piece(text: sentence, skipped: .empty) }
        if sentence.hasSuffix("?") { return Piece(text: sentence, skipped: .question) }
        if isPleasantry(tokens) { return Piece(text: sentence, skipped: .pleasantry) }
        if isConversational(sentence, tokens) { return Piece(text: sentence, skipped: .conversational) }
        return Piece(text: sentence, skipped: nil)
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
        // A request to the customer ("reply with your order number and I'll look into it") asks, like a question.
        if isRequest(sentence) { return talk * 2 >= content.count }
        return talk * 5 >= content.count * 4
    }

    /// The quotation of a sentence that only introduces it ("I can see your earlier report is still open:
    /// \"Refund not received\".") : the quotation is what the sentence states.
    static func quotation(afterLeadIn sentence: String) -> String? {
        guard let colon = sentence.range(of: ": \""), let close = sentence.lastIndex(of: "\""), close > colon.upperBound else { return nil }
        let lead = String(sentence[..<colon.lowerBound]) + ":"
        // A count in the lead-in ("I found two articles:") is about the quotation, which is judged itself.
        guard isConversational(lead, GroundingTokenizer.tokens(lead).filter { !$0.isNumeric }) else { return nil }
        let quote = sentence[colon.upperBound..<close].trimmingCharacters(in: .whitespaces)
        return quote.isEmpty ? nil : quote
    }

    /// Whether a sentence asks the customer to write back: "reply with ...", "tell me ...", "let me know ...".
    static func isRequest(_ sentence: String) -> Bool {
        let lowered = sentence.lowercased()
        return requestCues.contains { lowered.contains($0) }
    }

    private static let requestCues = [
        "reply with", "reply and", "reply here", "tell me", "send me", "let me know", "get back to me", "write back",
        "share your", "give me your",
    ]

    /// Words of talk about the conversation itself: replying, trying steps, handing over to a person, what was
    /// found and shared.
    private static let conversationWords: Set<String> = [
        "reply", "respond", "tell", "solve", "solves", "solved", "sort", "sorted", "fix", "fixes", "fixed", "work",
        "works", "worked", "doesn't", "didn't", "isn't", "don't", "look", "looking", "take", "person", "human",
        "hand", "say", "know", "meantime", "may", "might", "something", "articles", "article", "found", "here",
        "here's", "following", "below", "shared", "already", "new", "add", "steps", "step", "tried", "try", "still",
        "mind", "follow", "send", "details", "describe", "words", "explain", "information", "screen", "happened",
        "rather", "meanwhile", "things", "useful", "relevant", "helpful", "feedback", "recorded", "noted", "passed",
        "earlier", "report", "reported", "previous", "first", "second", "says", "pass", "support", "issue",
        "resolved", "you'd", "i'll",
    ]

    private static let pleasantryWords: Set<String> = [
        "hi", "hello", "hey", "thanks", "thank", "sorry", "hear", "happy", "help", "helps", "helped", "glad", "hope",
        "let", "questions", "question", "anything", "else", "welcome", "great", "day", "reaching", "contacting",
        "good", "morning", "afternoon", "evening", "apologize", "apologies", "inconvenience", "understand",
        "frustration", "frustrating", "assist", "pleasure", "nice", "wonderful", "weekend", "cheers", "regards",
        "best", "team", "feel", "free", "ask", "reach", "patience", "appreciate", "please", "sure", "certainly",
        "absolutely", "okay", "ok", "gladly", "hopefully", "further", "need", "any", "other", "more", "wish",
        "today", "there", "lol", "haha", "cool", "awesome", "wow", "agree", "totally", "definitely", "assistance",
        "problem", "worries", "reached", "touch", "see", "love", "enjoy", "bye", "goodbye", "care", "running",
        "trouble", "hassle",
    ]
}
