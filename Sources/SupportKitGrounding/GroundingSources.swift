import Synchronization

/// The passages an answer may rely on, tokenized once: their words, sentences and facts.
public struct GroundingSources: Sendable {
    /// One sentence of a source: its word keys.
    struct Sentence: Sendable {
        var keys: Set<String>
    }

    /// Every word key (stem or canonical number) in any source.
    let keys: Set<String>
    /// Every lower-cased word in any source (names are matched on the words themselves).
    let words: Set<String>
    let sentences: [Sentence]
    /// Fact keys of the sources, and their facts by kind (for reasons).
    let factKeys: Set<String>
    let factsByKind: [GroundingFact.Kind: [GroundingFact]]
    /// Every number's canonical value in the sources, whatever its unit.
    let numbers: Set<String>
    /// Content words the sources state negated ("cannot be restored": "restor"), with the negated phrase.
    let negated: [String: String]
    /// Content words the sources state without a negation.
    let affirmed: Set<String>

    /// - Parameter texts: the passages (retrieved chunks, knowledge snippets). Each passage is analysed once per
    ///   process (``GroundingPassage/cache``): an evaluation retrieves the same chunks turn after turn.
    public init(_ texts: [String]) {
        self.init(passages: texts.map(GroundingPassage.cache.passage(for:)))
    }

    /// The sources made of passages analysed earlier.
    public init(passages: [GroundingPassage]) {
        var keys = Set<String>()
        var words = Set<String>()
        var sentences: [Sentence] = []
        var facts: [GroundingFact] = []
        var negated: [String: String] = [:]
        var affirmed = Set<String>()
        var numbers = Set<String>()
        for passage in passages {
            keys.formUnion(passage.keys)
            words.formUnion(passage.words)
            sentences += passage.sentences
            facts += passage.facts
            // The first passage to negate a word supplies the quoted phrase, as if the passages were one text.
            negated.merge(passage.negated) { first, _ in first }
            affirmed.formUnion(passage.affirmed)
            numbers.formUnion(passage.numbers)
        }
        self.keys = keys
        self.words = words
        self.sentences = sentences
        self.factKeys = Set(facts.map(\.key))
        self.factsByKind = Dictionary(grouping: facts, by: \.kind)
        self.negated = negated
        self.affirmed = affirmed
        self.numbers = numbers
    }

    /// The weighted share of `tokens` found in the best-matching source sentence; the tokens at `covered`
    /// (supported facts) count as found in every sentence.
    func bestSentenceShare(of tokens: [GroundingToken], weight: (GroundingToken) -> Double,
                           covered: Set<Int>) -> Double {
        let total = tokens.reduce(0) { $0 + weight($1) }
        guard total > 0 else { return 0 }
        var best = 0.0
        for sentence in sentences {
            var found = 0.0
            for (index, token) in tokens.enumerated() where covered.contains(index) || sentence.keys.contains(token.key) {
                found += weight(token)
            }
            best = max(best, found)
        }
        return best / total
    }

    /// The words of `text` from token `from` through token `to`, as written.
    static func phrase(_ text: String, _ tokens: [GroundingToken], _ from: Int, _ to: Int) -> String {
        let bytes = Array(text.utf8)
        return String(decoding: bytes[tokens[from].start..<tokens[to].end], as: UTF8.self)
    }

    /// The polarity conflicts of a claim: a word it negates that the sources only affirm, or a word it affirms
    /// that the sources only negate. Each reason quotes both sides.
    func polarityConflicts(claim text: String, tokens: [GroundingToken]) -> [String] {
        let heads = GroundingPolarity.negatedWords(tokens, in: text)
        var reasons: [String] = []
        for (index, token) in tokens.enumerated() where !token.isStopword && !token.isNumeric {
            if let negation = heads[index] {
                if affirmed.contains(token.key), negated[token.key] == nil {
                    let said = Self.phrase(text, tokens, negation, index)
                    reasons.append("says \"\(said)\" but the sources state \"\(token.text)\" without a negation")
                }
            } else if let sourcePhrase = negated[token.key], !affirmed.contains(token.key) {
                let said = Self.phrase(text, tokens, max(0, index - 2), index)
                reasons.append("says \"\(said)\" but the sources say \"\(sourcePhrase)\"")
            }
        }
        return reasons
    }

    /// Whether the sources state `fact` compatibly.
    func supports(_ fact: GroundingFact) -> Bool {
        if factKeys.contains(fact.key) { return true }
        switch fact.kind {
        case .number:
            // A bare number agrees with the same number anywhere ("2 albums" and "2 platinum albums").
            return numbers.contains(String(fact.key.dropFirst("number:".count)))
        case .entity:
            let parts = fact.key.dropFirst("entity:".count).split(separator: " ")
            return parts.allSatisfy { words.contains(String($0)) || keys.contains(GroundingTokenizer.stem(String($0))) }
        case .url:
            // A deeper or shallower link on the same site is a different page: only the exact page agrees.
            return false
        default:
            return false
        }
    }

    /// Why `fact` is not supported: `"14 days" not in any source; sources say "60 minutes"`.
    func reason(for fact: GroundingFact) -> String {
        var seen = Set<String>()
        let others = (factsByKind[fact.kind] ?? []).filter { seen.insert($0.text.lowercased()).inserted }.prefix(3)
        let said = others.isEmpty ? "" : "; sources say " + others.map { "\"\($0.text)\"" }.joined(separator: ", ")
        if fact.kind == .entity { return "\"\(fact.text)\" is not named in any source" }
        return "\"\(fact.text)\" not in any source" + said
    }
}

/// One passage (a retrieved chunk, a knowledge snippet) analysed for grounding: its sentences' word keys, its facts
/// and which words it negates. Combining passages into ``GroundingSources`` is then only set unions.
public struct GroundingPassage: Sendable {
    let keys: Set<String>
    let words: Set<String>
    let sentences: [GroundingSources.Sentence]
    let facts: [GroundingFact]
    let negated: [String: String]
    let affirmed: Set<String>
    let numbers: Set<String>

    /// Analyses `text`: splits it into sentences, tokenizes them and extracts their facts and negations.
    public init(_ text: String) {
        var keys = Set<String>()
        var words = Set<String>()
        var sentences: [GroundingSources.Sentence] = []
        var facts: [GroundingFact] = []
        var negated: [String: String] = [:]
        var affirmed = Set<String>()
        var numbers = Set<String>()
        for sentence in ClaimSplitter.sentences(of: text) {
            let tokens = GroundingTokenizer.tokens(sentence)
            let sentenceKeys = Set(tokens.map(\.key))
            keys.formUnion(sentenceKeys)
            numbers.formUnion(tokens.filter { $0.value != nil }.map(\.key))
            words.formUnion(tokens.map(\.text))
            sentences.append(GroundingSources.Sentence(keys: sentenceKeys))
            facts += GroundingFactExtractor.facts(in: sentence, tokens: tokens)
            let heads = GroundingPolarity.negatedWords(tokens, in: sentence)
            for (index, token) in tokens.enumerated() where !token.isStopword {
                if let negation = heads[index] {
                    if negated[token.key] == nil { negated[token.key] = GroundingSources.phrase(sentence, tokens, negation, index) }
                } else {
                    affirmed.insert(token.key)
                }
            }
        }
        self.keys = keys
        self.words = words
        self.sentences = sentences
        self.facts = facts
        self.negated = negated
        self.affirmed = affirmed
        self.numbers = numbers
    }

    /// Passages analysed so far in this process, by text.
    public static let cache = Cache(capacity: 8192)

    /// A bounded map from passage text to its analysis; when full it starts over (a knowledge base's retrieved
    /// chunks repeat, so the working set refills at once).
    public final class Cache: Sendable {
        private let entries = Mutex<[String: GroundingPassage]>([:])
        private let capacity: Int

        /// - Parameter capacity: the most passages kept.
        public init(capacity: Int) {
            self.capacity = max(1, capacity)
        }

        /// The analysis of `text`, from the cache when it was analysed before.
        public func passage(for text: String) -> GroundingPassage {
            if let cached = entries.withLock({ $0[text] }) { return cached }
            let passage = GroundingPassage(text)
            entries.withLock { entries in
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
                entries[text] = passage
            }
            return passage
        }

        /// How many passages are cached.
        public var count: Int { entries.withLock { $0.count } }
    }
}
