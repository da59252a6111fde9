import Foundation
import SupportKit

/// BERT's uncased WordPiece tokenizer, exactly as the reference (`tokenizers`' BertNormalizer, BertPreTokenizer and
/// WordPiece model, as sentence-transformers runs them) does it:
///
/// 1. normalize: drop NUL, U+FFFD, control, format and private-use characters; map whitespace to a space; put
///    spaces around CJK ideographs; decompose (NFD) and drop non-spacing marks (this strips accents and splits
///    Hangul syllables into jamo); lower-case each character on its own (no final-sigma rule);
/// 2. split on whitespace and split off each punctuation character as its own word;
/// 3. greedy longest-match-first WordPiece with `##` continuations; a word over 100 characters, or one that cannot
///    be covered by vocabulary pieces, becomes a single `[UNK]`;
/// 4. `[CLS]` pieces `[SEP]`, truncated to `maxLength` tokens.
///
/// The character classes come from the reference itself (`BertUnicodeTables`), not from Swift's Unicode data,
/// which is newer and differs for characters added since.
public struct WordPieceTokenizer: Sendable {
    public let vocabulary: [String: Int32]
    public let clsID: Int32
    public let sepID: Int32
    public let unkID: Int32
    public let padID: Int32
    /// The longest sequence `encode` returns, special tokens included.
    public let maxLength: Int
    public static let maxInputCharsPerWord = 100

    /// The longest vocabulary entry, in Unicode scalars, continuation prefix excluded.
    private let longestPiece: Int

    public init(vocabulary: [String: Int32], maxLength: Int = 256) throws {
        func id(_ token: String) throws -> Int32 {
            guard let id = vocabulary[token] else {
                throw SupportKitError(.corrupt, "vocab.txt: missing the special token \(token)")
            }
            return id
        }
        self.vocabulary = vocabulary
        self.clsID = try id("[CLS]")
        self.sepID = try id("[SEP]")
        self.unkID = try id("[UNK]")
        self.padID = try id("[PAD]")
        self.maxLength = max(2, maxLength)
        var longest = 1
        for key in vocabulary.keys {
            var count = key.unicodeScalars.count
            if key.hasPrefix("##") { count -= 2 }
            longest = max(longest, count)
        }
        self.longestPiece = longest
    }

    /// Reads `vocab.txt`: one token per line, the line number (from 0) being its id.
    public init(vocabularyFile url: URL, maxLength: Int = 256) throws {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw SupportKitError(.unavailable, "\(url.lastPathComponent): cannot read the file: \(SafetensorsFile.reason(error))")
        }
        var vocabulary: [String: Int32] = [:]
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        vocabulary.reserveCapacity(lines.count)
        for (index, line) in lines.enumerated() {
            var token = String(line)
            if token.hasSuffix("\r") { token.removeLast() }
            // The reference keeps the first id of a duplicated line.
            if vocabulary[token] == nil { vocabulary[token] = Int32(index) }
        }
        try self.init(vocabulary: vocabulary, maxLength: maxLength)
        self.vocabularySize = lines.count
    }

    /// Lines in vocab.txt when read from a file (the number of ids), else the dictionary's size.
    public private(set) var vocabularySize: Int = 0

    /// Token ids for the model: `[CLS]`, the word pieces (truncated), `[SEP]`.
    public func encode(_ text: String) -> [Int32] {
        var ids: [Int32] = [clsID]
        ids.reserveCapacity(min(maxLength, text.utf8.count / 3 + 4))
        forEachPiece(in: text, limit: maxLength - 2) { ids.append($0) }
        ids.append(sepID)
        return ids
    }

    /// The word pieces without special tokens and without truncation.
    public func pieces(_ text: String) -> [Int32] {
        var ids: [Int32] = []
        forEachPiece(in: text, limit: Int.max) { ids.append($0) }
        return ids
    }

    /// How many word pieces `text` becomes, without special tokens and without truncation.
    public func count(_ text: String) -> Int {
        var count = 0
        forEachPiece(in: text, limit: Int.max) { _ in count += 1 }
        return count
    }

    /// Vocabulary strings of ids, for debugging and messages.
    public func tokens(_ ids: [Int32]) -> [String] {
        var reverse: [Int32: String] = [:]
        for (key, value) in vocabulary { reverse[value] = key }
        return ids.map { reverse[$0] ?? "<\($0)>" }
    }

    // MARK: - Normalization

    /// The normalized text as Unicode scalars (step 1 above).
    @_optimize(speed)
    public static func normalize(_ text: String) -> [Unicode.Scalar] {
        var stage: [Unicode.Scalar] = []
        stage.reserveCapacity(text.utf8.count)
        var ascii = true
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                switch asciiClass[Int(value)] {
                case 0: continue  // removed control character
                case 1: stage.append(" ")
                case 2: stage.append(Unicode.Scalar(UInt8(value) | 0x20))  // A-Z
                default: stage.append(scalar)
                }
                continue
            }
            if isRemoved(value) { continue }
            ascii = false
            if isWhitespace(value) {
                stage.append(" ")
            } else if isChineseCharacter(value) {
                stage.append(" ")
                stage.append(scalar)
                stage.append(" ")
            } else {
                stage.append(scalar)
            }
        }
        if ascii { return stage }
        // NFD of the whole text, then drop non-spacing marks and lower-case scalar by scalar.
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(stage.count + 8)
        for scalar in decompose(stage) {
            let value = scalar.value
            if value < 0x80 {
                out.append(asciiClass[Int(value)] == 2 ? Unicode.Scalar(UInt8(value) | 0x20) : scalar)
                continue
            }
            if isRemoved(value) { continue }
            if scalar.properties.changesWhenLowercased {
                out.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return out
    }

    /// Characters that Swift's Unicode data decomposes but the reference's (older) normalization data does not.
    static let keptWhole: Set<UInt32> = [0x11938]

    /// Canonical decomposition (NFD) as the reference does it.
    static func decompose(_ scalars: [Unicode.Scalar]) -> String.UnicodeScalarView {
        func nfd(_ part: ArraySlice<Unicode.Scalar>) -> String.UnicodeScalarView {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: part)
            return String(view).decomposedStringWithCanonicalMapping.unicodeScalars
        }
        guard scalars.contains(where: { keptWhole.contains($0.value) }) else { return nfd(scalars[...]) }
        var out = String.UnicodeScalarView()
        var start = 0
        for (index, scalar) in scalars.enumerated() where keptWhole.contains(scalar.value) {
            out.append(contentsOf: nfd(scalars[start..<index]))
            out.append(scalar)
            start = index + 1
        }
        out.append(contentsOf: nfd(scalars[start...]))
        return out
    }

    /// 0: removed, 1: whitespace, 2: upper-case letter, 3: punctuation, 4: other.
    static let asciiClass: [UInt8] = (0..<128).map { value -> UInt8 in
        switch value {
        case 0x09, 0x0A, 0x0D, 0x20: return 1
        case 0..<0x20, 0x7F: return 0
        case 0x41...0x5A: return 2
        case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: return 3
        default: return 4
        }
    }

    static func isRemoved(_ value: UInt32) -> Bool { contains(BertUnicodeTables.removed, value) }

    static func isPunctuation(_ value: UInt32) -> Bool {
        if value < 0x80 { return asciiClass[Int(value)] == 3 }
        return contains(BertUnicodeTables.punctuation, value)
    }

    /// Whitespace as the reference sees it (Rust's `char::is_whitespace`); control characters among it are removed
    /// before this is asked.
    static func isWhitespace(_ value: UInt32) -> Bool {
        switch value {
        case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F,
             0x3000:
            return true
        default:
            return false
        }
    }

    /// The CJK ideograph blocks BERT isolates (not Hangul, Hiragana or Katakana).
    static func isChineseCharacter(_ value: UInt32) -> Bool {
        switch value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
             0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }

    private static func contains(_ ranges: [ClosedRange<UInt32>], _ value: UInt32) -> Bool {
        var low = 0
        var high = ranges.count
        while low < high {
            let mid = (low + high) / 2
            if ranges[mid].upperBound < value { low = mid + 1 } else { high = mid }
        }
        return low < ranges.count && ranges[low].contains(value)
    }

    // MARK: - Words and pieces

    /// Calls `body` with each word piece id of `text`, at most `limit` of them.
    @_optimize(speed)
    private func forEachPiece(in text: String, limit: Int, _ body: (Int32) -> Void) {
        let scalars = Self.normalize(text)
        var emitted = 0
        var start = -1
        var pieces: [Int32] = []
        func flush(_ end: Int) -> Bool {
            guard start >= 0 else { return true }
            wordPieces(scalars[start..<end], into: &pieces)
            start = -1
            for id in pieces {
                if emitted == limit { return false }
                body(id)
                emitted += 1
            }
            return true
        }
        var index = 0
        while index < scalars.count {
            let value = scalars[index].value
            if value == 0x20 || (value > 0x7F && Self.isWhitespace(value)) {
                if !flush(index) { return }
            } else if Self.isPunctuation(value) {
                if !flush(index) { return }
                start = index
                if !flush(index + 1) { return }
            } else if start < 0 {
                start = index
            }
            index += 1
        }
        _ = flush(scalars.count)
    }

    /// Greedy longest-match-first WordPiece of one word into `pieces` (replacing its contents).
    @_optimize(speed)
    private func wordPieces(_ word: ArraySlice<Unicode.Scalar>, into pieces: inout [Int32]) {
        pieces.removeAll(keepingCapacity: true)
        if word.count > Self.maxInputCharsPerWord {
            pieces.append(unkID)
            return
        }
        var start = word.startIndex
        var candidate = String.UnicodeScalarView()
        while start < word.endIndex {
            var end = min(word.endIndex, start + longestPiece)
            var found: Int32? = nil
            while start < end {
                candidate.removeAll(keepingCapacity: true)
                if start > word.startIndex { candidate.append("#"); candidate.append("#") }
                candidate.append(contentsOf: word[start..<end])
                if let id = vocabulary[String(candidate)] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let found else {
                pieces.removeAll(keepingCapacity: true)
                pieces.append(unkID)
                return
            }
            pieces.append(found)
            start = end
        }
    }
}

/// Counts WordPiece tokens exactly as `MiniLMEmbedder` will see them, without `[CLS]`/`[SEP]` and without
/// truncation.
public struct WordPieceTokenCounter: TokenCounter {
    public let tokenizer: WordPieceTokenizer

    public init(tokenizer: WordPieceTokenizer) { self.tokenizer = tokenizer }

    public func tokenCount(_ text: String) -> Int { tokenizer.count(text) }
}
