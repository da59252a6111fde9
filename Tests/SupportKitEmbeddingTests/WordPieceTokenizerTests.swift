import Foundation
import SupportKit
import Testing
@testable import SupportKitEmbedding

@Suite struct WordPieceTokenizerTests {
    @Test(.enabled(if: MiniLMFixtures.hasVocabulary, MiniLMFixtures.missingVocabularyMessage))
    func tokenIDsMatchTheReferenceTokenizer() throws {
        let tokenizer = try #require(MiniLMFixtures.tokenizer)
        let items = MiniLMFixtures.reference.items
        #expect(items.count >= 40)
        for item in items {
            let ids = tokenizer.encode(item.text)
            #expect(ids == item.inputIDs, "\(item.text.debugDescription): \(tokenizer.tokens(ids)) vs \(tokenizer.tokens(item.inputIDs))")
        }
    }

    @Test(.enabled(if: MiniLMFixtures.hasVocabulary, MiniLMFixtures.missingVocabularyMessage))
    func tokenCounterCountsWordPiecesWithoutSpecialTokensOrTruncation() throws {
        let tokenizer = try #require(MiniLMFixtures.tokenizer)
        let counter = WordPieceTokenCounter(tokenizer: tokenizer)
        for item in MiniLMFixtures.reference.items {
            #expect(counter.tokenCount(item.text) == item.tokenCount, "\(item.text.debugDescription)")
        }
        #expect(MiniLMFixtures.reference.items.contains { $0.tokenCount > 254 })
    }

    @Test(.enabled(if: MiniLMFixtures.hasVocabulary, MiniLMFixtures.missingVocabularyMessage))
    func specialCasesFromTheBuildNotes() throws {
        let tokenizer = try #require(MiniLMFixtures.tokenizer)
        #expect(tokenizer.tokens(tokenizer.encode("")) == ["[CLS]", "[SEP]"])
        #expect(tokenizer.tokens(tokenizer.encode(" \t\n ")) == ["[CLS]", "[SEP]"])
        #expect(tokenizer.tokens(tokenizer.pieces("Café")) == ["cafe"])
        #expect(tokenizer.tokens(tokenizer.pieces("pass\u{200B}word")) == ["password"])
        #expect(tokenizer.tokens(tokenizer.pieces("😀👍")) == ["[UNK]"])
        #expect(tokenizer.tokens(tokenizer.pieces(String(repeating: "a", count: 101))) == ["[UNK]"])
        #expect(tokenizer.encode(String(repeating: "word ", count: 600)).count == 256)
    }

    @Test func normalizerAndPreTokenizerMatchTheReferenceOnEveryCodePoint() throws {
        let text = try String(contentsOf: MiniLMFixtures.fixtureURL("bert-normalizer-reference.tsv"), encoding: .utf8)
        var expected: [UInt32: [UInt32]] = [:]
        var punctuation = Set<UInt32>()
        func span(_ field: Substring) -> ClosedRange<UInt32> {
            let parts = field.components(separatedBy: "..")
            let first = UInt32(parts[0], radix: 16)!
            return first...(parts.count > 1 ? UInt32(parts[1], radix: 16)! : first)
        }
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            if line.hasPrefix("P ") {
                for value in span(line.dropFirst(2)) { punctuation.insert(value) }
                continue
            }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            for value in span(fields[0]) {
                switch fields[1] {
                case "-": expected[value] = []
                case "CJK": expected[value] = [0x20, value, 0x20]
                case "HANGUL":
                    let index = value - 0xAC00
                    var jamo: [UInt32] = [0x1100 + index / 588, 0x1161 + (index % 588) / 28]
                    if index % 28 != 0 { jamo.append(0x11A7 + index % 28) }
                    expected[value] = jamo
                default: expected[value] = fields[1].split(separator: " ").map { UInt32($0, radix: 16)! }
                }
            }
        }
        #expect(expected.count > 200_000)
        #expect(punctuation.count > 700)
        var mismatches: [String] = []
        for value in UInt32(0)...0x10FFFF where !(0xD800...0xDFFF).contains(value) {
            let scalar = Unicode.Scalar(value)!
            let got = WordPieceTokenizer.normalize(String(Character(scalar))).map(\.value)
            let want = expected[value] ?? [value]
            if got != want, mismatches.count < 20 {
                mismatches.append(String(format: "U+%04X: got %@ want %@", value,
                                         got.map { String($0, radix: 16) }.description,
                                         want.map { String($0, radix: 16) }.description))
            }
            if WordPieceTokenizer.isPunctuation(value) != punctuation.contains(value), mismatches.count < 20 {
                mismatches.append(String(format: "U+%04X: punctuation differs", value))
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
    }

    @Test func unknownAndContinuationPiecesWithASmallVocabulary() throws {
        let words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "un", "##aff", "##able", "run", "##ning", ",", "!"]
        let vocabulary = Dictionary(uniqueKeysWithValues: words.enumerated().map { ($1, Int32($0)) })
        let tokenizer = try WordPieceTokenizer(vocabulary: vocabulary, maxLength: 6)
        #expect(tokenizer.tokens(tokenizer.pieces("Unaffable, RUNNING!")) == ["un", "##aff", "##able", ",", "run", "##ning", "!"])
        #expect(tokenizer.tokens(tokenizer.pieces("unx running")) == ["[UNK]", "run", "##ning"])
        #expect(tokenizer.tokens(tokenizer.encode("unaffable running")) == ["[CLS]", "un", "##aff", "##able", "run", "[SEP]"])
        #expect(throws: SupportKitError.self) { try WordPieceTokenizer(vocabulary: ["[PAD]": 0], maxLength: 8) }
    }
}
