import Foundation

/// One word of a claim or a source as the groundedness checker compares it.
///
/// Lower-cased, with a light stem (refunds, refunded -> refund) so inflection does not count as a difference,
/// and number words written as digits (two -> 2) so "2 platinum albums" matches "two platinum albums".
struct GroundingToken: Sendable, Hashable {
    /// The lower-cased surface form ("refunds", "12.99", "3:00", "can't").
    var text: String
    /// What two tokens must share to match: the stem of a word, the normalized digits of a number.
    var key: String
    /// The numeric value of a number ("1,000" -> 1000, "twelve" -> 12); nil for words and clock times.
    var value: Double?
    /// Minutes after midnight of a clock time ("3:30" -> 210); the checker adds am/pm from the next token.
    var clockMinutes: Int?
    /// Whether the word began with a capital letter in the text (a name, unless it starts a sentence).
    var isCapitalized: Bool
    /// Whether the word is a function word ("the", "of", "you"): it counts for less in the overlap.
    var isStopword: Bool
    /// The token's position in its text's byte offsets, for quoting the fact it belongs to.
    var start: Int
    var end: Int

    /// Whether the token is a number or a clock time.
    var isNumeric: Bool { value != nil || clockMinutes != nil }
}

/// Splits text into `GroundingToken`s; pure and allocation-light, because eval runs it on every answer.
enum GroundingTokenizer {
    /// The tokens of `text`, in order.
    static func tokens(_ text: String) -> [GroundingToken] {
        var tokens: [GroundingToken] = []
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            // Symbols that carry a fact become words of their own: $12 -> "usd" "12", 20% -> "20" "percent".
            if let symbol = symbolWord(bytes, at: index) {
                tokens.append(word(symbol.word, start: index, end: index + symbol.length, capitalized: false))
                index += symbol.length
                continue
            }
            // U+2000-U+2FFF (quotes, dashes, arrows) separate words.
            if byte == 0xE2 { index += 3; continue }
            guard isWordByte(byte) else { index += 1; continue }
            let start = index
            var end = index
            while end < bytes.count {
                let current = bytes[end]
                if isWordByte(current), symbolWord(bytes, at: end) == nil { end += 1; continue }
                // Keep 12.99, 1,000 and 3:30 whole; keep can't and it's whole.
                let next = end + 1 < bytes.count ? bytes[end + 1] : 0
                let previous = bytes[end - 1]
                if (current == 0x2E || current == 0x2C || current == 0x3A), isDigit(previous), isDigit(next) { end += 1; continue }
                if current == 0x27, isLetter(previous), isLetter(next) { end += 1; continue }
                if current == 0xE2, end + 2 < bytes.count, bytes[end + 1] == 0x80, bytes[end + 2] == 0x99,
                   isLetter(previous), end + 3 < bytes.count, isLetter(bytes[end + 3]) {
                    end += 3  // a typographic apostrophe: don’t
                    continue
                }
                break
            }
            let raw = String(decoding: bytes[start..<end], as: UTF8.self)
            let capitalized = byte >= 0x41 && byte <= 0x5A
            tokens.append(word(raw.lowercased().replacingOccurrences(of: "\u{2019}", with: "'"),
                               start: start, end: end, capitalized: capitalized))
            index = end
        }
        return tokens
    }

    private static func word(_ text: String, start: Int, end: Int, capitalized: Bool) -> GroundingToken {
        var token = GroundingToken(text: text, key: text, value: nil, clockMinutes: nil, isCapitalized: capitalized,
                                   isStopword: stopwords.contains(text), start: start, end: end)
        if let first = text.utf8.first, isDigit(first) {
            if text.contains(":") {
                let parts = text.split(separator: ":")
                if parts.count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]), hours < 24, minutes < 60 {
                    token.clockMinutes = hours * 60 + minutes
                }
            } else {
                let digits = text.replacingOccurrences(of: ",", with: "")
                if let value = Double(digits) {
                    token.value = value
                    token.key = canonicalNumber(value)
                }
            }
            return token
        }
        if let value = numberWords[text] {
            token.value = value
            token.key = canonicalNumber(value)
            return token
        }
        token.key = stem(text)
        return token
    }

    /// "12" for 12.0, "12.99" for 12.99: one spelling per value.
    static func canonicalNumber(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    /// A light English stemmer: strips the commonest inflections so refund/refunds/refunded/refunding meet.
    /// Deliberately weaker than Porter: a wrong merge would let a different word count as support.
    static func stem(_ word: String) -> String {
        let utf8 = word.utf8
        guard utf8.count > 4 else {
            if utf8.count > 3, word.hasSuffix("s"), !word.hasSuffix("ss") { return String(word.dropLast()) }
            return word
        }
        for (suffix, replacement) in suffixes where word.hasSuffix(suffix) && utf8.count - suffix.utf8.count >= 3 {
            return String(word.dropLast(suffix.count)) + replacement
        }
        return word
    }

    private static let suffixes: [(String, String)] = [
        ("ational", "ate"), ("ization", "ize"), ("fulness", "ful"), ("ousness", "ous"), ("iveness", "ive"),
        ("ingly", ""), ("edly", ""), ("ings", ""), ("ing", ""), ("ies", "y"), ("ied", "y"), ("ed", ""),
        ("es", ""), ("ly", ""), ("'s", ""), ("s", ""),
    ]

    private static func symbolWord(_ bytes: [UInt8], at index: Int) -> (word: String, length: Int)? {
        switch bytes[index] {
        case 0x24: return ("usd", 1)
        case 0x25: return ("percent", 1)
        case 0xC2 where index + 1 < bytes.count && bytes[index + 1] == 0xA3: return ("gbp", 2)
        case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x82 && bytes[index + 2] == 0xAC: return ("eur", 3)
        default: return nil
        }
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        // Other multi-byte characters are letters (accented words, other scripts); U+2000-U+2FFF (a lead byte of
        // 0xE2: dashes, quotes, arrows) separate words, so "10,000–9000" is two numbers and "refund—within" two words.
        byte != 0xE2 && (isLetter(byte) || isDigit(byte) || byte >= 0x80)
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    static func isLetter(_ byte: UInt8) -> Bool { (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte >= 0xC0 }

    /// Number words that are read as digits ("one" and "second" stay words: "one of the ways", "wait a second").
    static let numberWords: [String: Double] = [
        "zero": 0, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
        "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
        "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
        "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
    ]

    /// Function words: they count half in the overlap, since a paraphrase changes them freely.
    static let stopwords: Set<String> = [
        "a", "an", "the", "and", "or", "but", "if", "then", "so", "of", "to", "in", "on", "at", "by", "for", "with",
        "from", "as", "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "have", "has",
        "had", "having", "it", "its", "it's", "this", "that", "these", "those", "there", "here", "i", "me", "my",
        "mine", "you", "your", "yours", "he", "him", "his", "she", "her", "hers", "we", "us", "our", "they", "them",
        "their", "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "all", "any", "both", "each",
        "few", "more", "most", "other", "some", "such", "no", "nor", "not", "only", "own", "same", "than", "too",
        "very", "can", "will", "just", "should", "would", "could", "may", "might", "must", "shall", "also", "about",
        "into", "over", "under", "again", "further", "once", "up", "down", "out", "off", "above", "below",
        "between", "through", "during", "before", "after", "while", "because", "until", "against", "i'm", "you're",
        "he's", "she's", "that's", "there's", "they're", "we're", "isn't", "aren't", "wasn't", "weren't",
        "doesn't", "didn't", "don't", "won't", "can't", "couldn't", "shouldn't", "wouldn't", "yes", "yeah", "yep",
        "oh", "well", "really", "actually", "like", "lot", "lots", "pretty", "quite", "one", "get", "got", "know",
        "think", "thing", "things", "you'll", "we'll", "i'll", "you've", "we've", "i've", "let's",
    ]
}
