import Foundation

/// Finds evaluation messages that repeat, exactly or nearly, an example the intent classifier was
/// trained on: such turns test memory, not generalisation, and inflate intent accuracy.
///
/// Texts are normalized (case and accents folded, punctuation dropped, whitespace collapsed); a message
/// matches an example when the normalized texts are equal, or when the Jaccard similarity of their word
/// sets reaches `threshold`. An inverted index keeps this linear in practice even for large training sets.
public struct TrainingOverlapDetector: Sendable {
    /// A training example that a message repeats.
    public struct Match: Sendable, Hashable {
        /// The training example as written.
        public var example: String
        /// Jaccard similarity of the word sets, 1 for an exact (normalized) repeat.
        public var similarity: Double
        /// Whether the normalized texts are identical.
        public var isExact: Bool
    }

    private let examples: [String]
    private let normalized: [String]
    private let tokenSets: [Set<String>]
    private let exactIndex: [String: Int]
    private let postings: [String: [Int]]
    /// The Jaccard similarity from which a message counts as a near repeat.
    public let threshold: Double

    /// - Parameters:
    ///   - examples: the classifier's training texts.
    ///   - threshold: the word-set Jaccard similarity from which a message counts as a near repeat.
    public init(examples: [String], threshold: Double = 0.8) {
        self.examples = examples
        self.threshold = threshold
        normalized = examples.map(Self.normalize)
        tokenSets = normalized.map { Set($0.split(separator: " ").map(String.init)) }
        var exact: [String: Int] = [:]
        var postings: [String: [Int]] = [:]
        for (index, text) in normalized.enumerated() {
            if exact[text] == nil { exact[text] = index }
            for token in tokenSets[index] { postings[token, default: []].append(index) }
        }
        exactIndex = exact
        self.postings = postings
    }

    /// The most similar training example that `message` repeats, or nil.
    public func match(_ message: String) -> Match? {
        let text = Self.normalize(message)
        guard !text.isEmpty else { return nil }
        if let index = exactIndex[text] {
            return Match(example: examples[index], similarity: 1, isExact: true)
        }
        let tokens = Set(text.split(separator: " ").map(String.init))
        var shared: [Int: Int] = [:]
        for token in tokens {
            for index in postings[token] ?? [] { shared[index, default: 0] += 1 }
        }
        var best: (index: Int, similarity: Double)?
        for (index, count) in shared {
            let union = tokens.count + tokenSets[index].count - count
            let similarity = union == 0 ? 0 : Double(count) / Double(union)
            // Ties go to the earlier example so that the warning text is deterministic.
            if similarity >= threshold,
               best.map({ similarity > $0.similarity || (similarity == $0.similarity && index < $0.index) }) ?? true {
                best = (index, similarity)
            }
        }
        return best.map { Match(example: examples[$0.index], similarity: $0.similarity, isExact: false) }
    }

    /// Lower-cased, accent-folded words separated by single spaces.
    static func normalize(_ text: String) -> String {
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .lowercased()
        var words: [String] = []
        var current = ""
        for character in folded {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words.joined(separator: " ")
    }
}
