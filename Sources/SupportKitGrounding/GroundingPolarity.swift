/// Which words of a sentence are negated: the content words within three words after "not", "never",
/// "cannot", "no", "without"... ("cannot be restored" negates "restored", "do not expire" negates "expire").
///
/// Negation is judged per word, not per sentence, so "it was not only the longest tour" or a negation in another
/// clause of a long source sentence does not flip a claim that agrees with the rest of it.
enum GroundingPolarity {
    /// The negated words of `tokens` (tokens of `text`), each mapped to the index of its negation: the
    /// content words among the three words after a negation, up to the next comma or full stop.
    static func negatedWords(_ tokens: [GroundingToken], in text: String) -> [Int: Int] {
        var heads: [Int: Int] = [:]
        var bytes: [UInt8]?
        for (index, token) in tokens.enumerated() where negations.contains(token.text) {
            // A leading "No," answers a question; "not only" adds rather than negates.
            if index == 0, token.text == "no" { continue }
            if index + 1 < tokens.count, tokens[index + 1].text == "only" || tokens[index + 1].text == "just" { continue }
            if bytes == nil { bytes = Array(text.utf8) }
            let utf8 = bytes ?? []
            var probe = index + 1
            while probe < tokens.count, probe <= index + 3 {
                let gap = utf8[tokens[probe - 1].end..<tokens[probe].start]
                if gap.contains(where: { $0 == 0x2C || $0 == 0x2E || $0 == 0x3B || $0 == 0x3A || $0 == 0x21 }) { break }
                if !tokens[probe].isStopword, !tokens[probe].isNumeric { heads[probe] = index }
                probe += 1
            }
        }
        return heads
    }

    static let negations: Set<String> = [
        "not", "no", "never", "cannot", "can't", "don't", "doesn't", "didn't", "won't", "isn't", "aren't", "wasn't",
        "weren't", "shouldn't", "wouldn't", "couldn't", "haven't", "hasn't", "hadn't", "without", "unable", "nor",
        "cant", "dont", "doesnt", "wont", "isnt", "neither",
    ]
}
