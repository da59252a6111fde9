import Foundation
import SupportKit
import Testing
@testable import SupportKitIngest

/// The chunker's byte-level loops against the plain definitions they replaced.
@Suite struct ChunkerFastPathTests {
    /// One token per word plus one per 6 further word bytes, one per other visible byte.
    private func referenceTokenCount(_ text: String) -> Int {
        var count = 0
        var wordLength = 0
        for byte in text.utf8 {
            let isWordByte = (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte >= 0x80
            if isWordByte {
                wordLength += 1
                continue
            }
            if wordLength > 0 { count += 1 + (wordLength - 1) / 6 }
            wordLength = 0
            if byte > 0x20 { count += 1 }
        }
        return count + (wordLength > 0 ? 1 + (wordLength - 1) / 6 : 0)
    }

    static let texts = [
        "", " ", "a", "abcdef", "abcdefg", "abcdefghijklm", "Refunds take 5-10 business days.", "snake_case @home [x](y)",
        "Grüße aus Köln", "日本語のテキスト。", "tabs\tand\nnewlines\r\n", "`code` | table | row", "@[\\]^`{|}~ !\"#$%&'()*+,-./:;<=>?",
        "Zz09AZaz", String(repeating: "long", count: 40),
    ]

    @Test(arguments: texts)
    func approximateTokenCountMatchesItsDefinition(_ text: String) {
        #expect(ApproximateTokenCounter().tokenCount(text) == referenceTokenCount(text))
    }

    @Test func approximateTokenCountMatchesOnEveryByte() {
        // Every byte value next to word bytes, and runs of every length up to 20.
        for byte in UInt8(0)...UInt8(0x7F) {
            let text = "ab" + String(decoding: [byte], as: UTF8.self) + "cd" + String(decoding: [byte, byte], as: UTF8.self)
            #expect(ApproximateTokenCounter().tokenCount(text) == referenceTokenCount(text), "byte \(byte)")
        }
        for length in 0...20 {
            let text = String(repeating: "x", count: length) + "." + String(repeating: "é", count: length)
            #expect(ApproximateTokenCounter().tokenCount(text) == referenceTokenCount(text), "length \(length)")
        }
    }

    /// Items as the chunker used to find them: split at line breaks, a line starting with a space continues.
    private func referenceListItems(_ text: String) -> [String] {
        var items: [String] = []
        var item = ""
        for line in text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false) {
            if line.first != 0x20, !item.isEmpty {
                items.append(item)
                item = ""
            }
            if !item.isEmpty { item += "\n" }
            item += Substring(line)
        }
        if !item.isEmpty { items.append(item) }
        return items
    }

    static let lists = [
        "", "- one", "- one\n- two", "1. one\n  - nested\n  - more\n2. two", "- a\n\n- b", "- a\n\n  continued after blank",
        "- code:\n```\nx = 1\n\n```\n- next", "- trailing break\n", "\n\n- leading blank lines", " starts indented\n- b",
        "- é\n  - ü\n- ✓",
    ]

    @Test(arguments: lists)
    func listItemsMatchTheLineSplit(_ text: String) {
        #expect(Chunker.listItems(in: text) == referenceListItems(text))
    }

    /// Content hashes are stored in the manifest and in every point's payload: a faster way of computing them
    /// must give the same values, or every chunk would look changed after an upgrade. The expected values are
    /// SHA-256 over the length-prefixed (u64 little-endian) UTF-8 of each field, computed independently.
    @Test func chunkContentHashesKeepTheirValues() {
        let chunk = Chunk(
            id: UUID(), docId: "billing/refunds", title: "Refunds", category: "billing", tags: ["cards", "bank"],
            headingPath: ["Refunds", "Cards", "Timing"], sourcePath: "billing/refunds.md", lineStart: 12, lineEnd: 18,
            anchor: "https://help.example.com/billing/refunds#timing", url: "https://help.example.com/billing/refunds",
            text: "Card refunds take 5 to 10 business days. Café ✓", position: 2)
        #expect(chunk.contentHash == "2f38d5af40231a396a903f2bc9bebae7d7671538e0cf419d077fd6ee82c56c65")
        let bare = Chunk(
            id: UUID(), docId: "billing/refunds", title: "Refunds", category: "billing", tags: [], headingPath: ["Refunds"],
            sourcePath: "billing/refunds.md", lineStart: 1, lineEnd: 1, anchor: "billing/refunds.md", url: nil, text: "x", position: 0)
        #expect(bare.contentHash == "4e2848bf758886a79e6ef655177f2a4f0ae0662214555effe4350be433e36a3a")

        for parts in [[], [""], ["a"], ["a", ""], ["", ""], ["Grüße", "日本", "x y"]] {
            var joined = ContentHasher(), streamed = ContentHasher()
            joined.combine(parts.joined(separator: " > "))
            streamed.combine(joining: parts, separator: " > ")
            #expect(joined.finalize() == streamed.finalize(), "\(parts)")
        }
    }
}
