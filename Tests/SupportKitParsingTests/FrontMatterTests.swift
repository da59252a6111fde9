import Foundation
import SupportKit
import Testing
@testable import SupportKitParsing

/// The flat front-matter fast path must decode exactly what Yams decodes, or step aside.
@Suite struct FrontMatterTests {
    /// The fast path's answer for `yaml` as the front matter of `a.md` starting on line 2.
    private func flat(_ yaml: String) -> ArticleFields? {
        Array(yaml.utf8).withUnsafeBufferPointer { FrontMatter.decodeFlatFields($0, path: "a.md", firstLine: 2) }
    }

    private func yams(_ yaml: String) throws -> ArticleFields {
        try FrontMatter.decodeYAMLFields(yaml, path: "a.md", lineOffset: 1)
    }

    static let accepted = [
        "title: Refunds\ncategory: billing\ntags: [refunds, cards]\nurl: https://help.example/billing/refunds\n",
        "title: \"Quoted: with a colon # and a hash\"\n",
        "title: 'Single: quoted # too'\n",
        "title: Don't \"panic\", it's fine\n",
        "title:    spaced   out   words   \n",
        "title: Ünïcödé – accents ✓ 日本語 🎉\n",
        "# a comment line\n\ntitle: After a comment\n\n",
        "title: true\nid: 0123\ncategory: null\nurl: ~\n",
        "title: 100% sure, email@example.com! (really?) a-b_c=d; <tag> ~x\n",
        "title: x\ntags: []\n",
        "title: x\ntags:\n",
        "title: x\ntags: [ spaced item ,  other , 12, yes ]\n",
        "title: x\nauthor: Someone\nextra: [p, q]\nnothing:\nsnake_key-2: v\n",
        "title: \"\"\n",
        "title: ''\n",
        "title: \"  padded  \"\n",
        "title: '  padded  '\n",
        "title: a:b and http://host:80/path\n",
        "title: Ends with ---\n",
    ]

    @Test(arguments: accepted)
    func acceptedInputsDecodeLikeYams(_ yaml: String) throws {
        let fast = try #require(flat(yaml), "expected the fast path to take \(yaml.debugDescription)")
        #expect(fast == (try yams(yaml)))
    }

    static let declined = [
        "title: Order #12\n",  // a comment after the value
        "title: C#\n",  // a `#` that YAML keeps; left to Yams all the same
        "title: a: b\n",
        "title: trailing colon:\n",
        "title: |\n  block\n",
        "title: >\n  folded\n",
        "title: first\n  continued\n",
        "title: &anchor Anchored\nid: *anchor\n",
        "title: !!str 12\n",
        "title: \"esc\\\"aped\"\n",
        "title: \"back\\\\slash\"\n",
        "title: 'It''s'\n",
        "title: \"multi\n  line\"\n",
        "title: \"unclosed\n",
        "title: x\ntags:\n  - a\n  - b\n",
        "title: x\ntags: single\n",
        "title: x\ntags: ~\n",
        "title: x\ntags: [a, [b]]\n",
        "title: x\ntags: [a,]\n",
        "title: x\ntags: [a, , b]\n",
        "title: x\ntags: ['quoted']\n",
        "title: x\ntags: [a: b]\n",
        "title: x\ntags: [a\n",
        "title:\n",
        "title: x\ntitle: y\n",
        "title: x\r\n",
        "title:\tx\n",
        "\ttitle: x\n",
        "title: [a]\n",
        "title: {a: b}\n",
        "title: brackets [x]\n",
        "? complex\n: key\n",
        "- a\n- b\n",
        "title: x # trailing comment\n",
        "\"quoted key\": x\n",
        "title : x\n",
        "title:x\n",
        " title: indented\n",
        "   \n",
        "",
        "# only a comment\n",
        "%YAML 1.1\ntitle: x\n",
        "title: - dash\n",
        "title: -dash\n",
        "title: @at\n",
        "title: `tick\n",
        "title: ?question\n",
        "title: x\u{2028}y\n",
        "title: x\u{85}y\n",
        "title: x\u{2029}y\n",
        "title: a\u{FEFF}b\n",
        "title: a\u{7F}b\n",
        "title: a\u{1}b\n",
        "title: a\u{9F}b\n",
        "1st: x\ntitle: y\n",
        "title: x\n<<: {a: b}\n",
    ]

    @Test(arguments: declined)
    func unusualInputsAreLeftToYams(_ yaml: String) {
        #expect(flat(yaml) == nil)
    }

    /// Random lines from YAML's awkward characters: whatever the fast path accepts, Yams reads the same.
    @Test func randomInputsNeverDisagreeWithYams() throws {
        let keys = ["title", "category", "tags", "id", "url", "other", "x-y", "# note", " title", "-", ""]
        let separators = [": ", ": ", ": ", ": ", ":", " : ", ":  ", ": \"", ": '", ": [", ":\t"]
        // Mostly ordinary text, so that many inputs reach the fast path, with YAML's awkward characters mixed in.
        let ordinary = ["a", "Bb", " ", "  ", "é", "✓", "12", "yes", "null", "~", "-", "'", "\"", ",", ":", "!", "%", "\u{A0}"]
        let awkward = [": ", "#", " #", "''", ", ", "[", "]", "{", "}", "?", "&", "*", "|", ">", "@", "`", "\\", "\t",
                       "\n", "\n  ", "\r", "---", "\u{85}", "\u{2028}"]
        var generator = SeededGenerator(state: 42)
        var accepted = 0
        for _ in 0..<20_000 {
            var yaml = ""
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                yaml += keys.randomElement(using: &generator)! + separators.randomElement(using: &generator)!
                for _ in 0..<Int.random(in: 0...5, using: &generator) {
                    let pieces = Int.random(in: 0..<8, using: &generator) == 0 ? awkward : ordinary
                    yaml += pieces.randomElement(using: &generator)!
                }
                if Int.random(in: 0..<3, using: &generator) == 0 { yaml += ["\"", "'", "]"].randomElement(using: &generator)! }
                yaml += "\n"
            }
            guard let fast = flat(yaml) else { continue }
            accepted += 1
            #expect(fast == (try? yams(yaml)), "\(yaml.debugDescription)")
        }
        // The generator must reach the fast path often enough for the comparison to mean something.
        #expect(accepted > 500)
    }

    @Test func documentsParseTheSameThroughEitherPath() throws {
        // Same fields, one through the fast path and one made to need Yams by a block list of tags.
        let fast = "---\ntitle: Refunds\ncategory: billing\ntags: [refunds, cards]\n---\nBody.\n"
        let slow = "---\ntitle: Refunds\ncategory: billing\ntags:\n  - refunds\n  - cards\n---\nBody.\n"
        let parser = DocumentParser()
        let fastDocument = try #require(parser.parse(Data(fast.utf8), relativePath: "billing/a.md").documents.first)
        let slowDocument = try #require(parser.parse(Data(slow.utf8), relativePath: "billing/a.md").documents.first)
        #expect(fastDocument.title == "Refunds")
        #expect(fastDocument.tags == ["refunds", "cards"])
        #expect(fastDocument.title == slowDocument.title && fastDocument.tags == slowDocument.tags
                && fastDocument.category == slowDocument.category)
    }
}

/// A deterministic generator, so that a failing random input can be reproduced: Knuth's MMIX linear
/// congruential generator, its weak low bits folded into the high ones.
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state ^ (state >> 32)
    }
}
