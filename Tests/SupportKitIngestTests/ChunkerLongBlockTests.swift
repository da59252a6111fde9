import Foundation
import Synchronization
import SupportKit
import SupportKitParsing
import Testing
@testable import SupportKitIngest

/// Blocks longer than the chunk budget (a table row holding a whole list, one endless list item, a cell, a
/// paragraph without a full stop, a code block) in Markdown and HTML, at every length: chunking ends, keeps
/// every word once and in order, stays within budget except where it says so, and does work linear in the
/// text (counted in bytes handed to the token counter, not in seconds).
@Suite struct ChunkerLongBlockTests {
    static let maxTokens = 60

    /// A token counter that adds up the bytes it was asked to count.
    final class CountingTokenCounter: TokenCounter {
        let base = ApproximateTokenCounter()
        let counted = Mutex(0)
        func tokenCount(_ text: String) -> Int {
            counted.withLock { $0 += text.utf8.count }
            return base.tokenCount(text)
        }
    }

    private func document(_ text: String, path: String) throws -> Document {
        let result = DocumentParser().parse(Data(text.utf8), relativePath: path)
        #expect(result.errors.isEmpty, "\(result.errors)")
        return try #require(result.documents.first)
    }

    private static func words(_ count: Int, prefix: String = "w") -> [String] {
        (0..<count).map { "\(prefix)\($0)" }
    }

    /// Every word of `expected` appears in the chunks' texts, in order, with nothing but repeats (overlap, header) between.
    private func expectAllWordsInOrder(_ chunks: [Chunk], _ expected: [String], header: String? = nil, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        var next = 0
        for chunk in chunks {
            for token in chunk.text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "|" || $0 == "-" || $0 == "." }) {
                if next < expected.count, token == expected[next] { next += 1 }
            }
        }
        #expect(next == expected.count, "found \(next) of \(expected.count) words in order", sourceLocation: sourceLocation)
    }

    private func expectWithinBudget(_ chunks: [Chunk], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let counter = ApproximateTokenCounter()
        for chunk in chunks {
            #expect(counter.tokenCount(chunk.embeddingText) <= Self.maxTokens + 1, "\(counter.tokenCount(chunk.embeddingText)) tokens: \(chunk.text.prefix(80))", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [0, 1, 5, 17, 40, 41, 42, 59, 60, 61, 120, 240, 241, 500, 2_000])
    func markdownTableWithOneLongRow(words count: Int) throws {
        let counter = CountingTokenCounter()
        let chunker = Chunker(configuration: .init(maxTokens: Self.maxTokens, overlapTokens: 12), tokenCounter: counter)
        let cell = Self.words(count).joined(separator: " ")
        let markdown = "---\ntitle: Limits\ncategory: billing\n---\n## Parameters\n| Name | Values |\n| --- | --- |\n| short | one |\n| long | \(cell) |\n| after | two |\n"
        let chunks = chunker.chunks(of: try document(markdown, path: "billing/limits.md"))
        #expect(!chunks.isEmpty)
        expectWithinBudget(chunks)
        expectAllWordsInOrder(chunks, ["short", "one", "long"] + Self.words(count) + ["after", "two"])
        for chunk in chunks { #expect(chunk.text.hasPrefix("Name | Values\n"), "piece without its header: \(chunk.text.prefix(40))") }
        // Linear: the counter read a bounded multiple of the input.
        #expect(counter.counted.withLock { $0 } <= 12 * markdown.utf8.count + 4_000)
    }

    @Test(arguments: [1, 60, 240, 1_000])
    func htmlTableWithACellHoldingAList(items count: Int) throws {
        let chunker = Chunker(configuration: .init(maxTokens: Self.maxTokens, overlapTokens: 12), tokenCounter: ApproximateTokenCounter())
        let list = Self.words(count, prefix: "item").map { "<li>\($0)</li>" }.joined()
        let html = """
            <html><head><title>Limits</title><meta name="category" content="billing"></head><body><main>
            <h1>Limits</h1><h2>Parameters</h2>
            <table><thead><tr><th>Name</th><th>Values</th></tr></thead>
            <tbody><tr><td>short</td><td>one</td></tr>
            <tr><td>long</td><td><ul>\(list)</ul></td></tr>
            <tr><td>after</td><td>two</td></tr></tbody></table>
            </main></body></html>
            """
        let chunks = chunker.chunks(of: try document(html, path: "billing/limits.html"))
        expectWithinBudget(chunks)
        expectAllWordsInOrder(chunks, ["short", "one", "long"] + Self.words(count, prefix: "item") + ["after", "two"])
    }

    @Test(arguments: [1, 59, 61, 300, 3_000])
    func oneEndlessListItemAndParagraph(words count: Int) throws {
        let counter = CountingTokenCounter()
        let chunker = Chunker(configuration: .init(maxTokens: Self.maxTokens, overlapTokens: 12), tokenCounter: counter)
        let words = Self.words(count)
        let markdown = "---\ntitle: Steps\ncategory: account\n---\n## Install\n1. First\n2. \(words.joined(separator: " "))\n3. Last\n\nA paragraph: \(words.joined(separator: " "))\n"
        let chunks = chunker.chunks(of: try document(markdown, path: "account/steps.md"))
        expectWithinBudget(chunks)
        expectAllWordsInOrder(chunks, ["1", "First", "2"] + words + ["3", "Last", "A", "paragraph:"] + words)
        #expect(counter.counted.withLock { $0 } <= 12 * markdown.utf8.count + 4_000)
    }

    @Test func codeBlocksOverBudgetStayWholeAndAreCounted() throws {
        let chunker = Chunker(configuration: .init(maxTokens: Self.maxTokens, overlapTokens: 12), tokenCounter: ApproximateTokenCounter())
        let code = (1...200).map { "line_\($0) = call(\($0))" }.joined(separator: "\n")
        let document = try document("---\ntitle: API\ncategory: orders\n---\n## Calls\nBefore.\n\n```\n\(code)\n```\n\nAfter.\n", path: "orders/api.md")
        let chunked = try chunker.chunk(document)
        #expect(chunked.chunks.contains { $0.text.contains("line_1 =") && $0.text.contains("line_200 =") })
        #expect(chunked.oversize == 1)
        #expect(chunked.chunks.contains { $0.text.contains("Before.") } && chunked.chunks.contains { $0.text.contains("After.") })
    }

    @Test func theTimeGuardNamesTheLineAndStops() throws {
        let chunker = Chunker(configuration: .init(maxTokens: Self.maxTokens, overlapTokens: 12, timeLimit: .zero), tokenCounter: ApproximateTokenCounter())
        let rows = (1...400).map { "| row \($0) | value \($0) |" }.joined(separator: "\n")
        let document = try document("---\ntitle: T\ncategory: billing\n---\nIntro.\n\n| A | B |\n| --- | --- |\n\(rows)\n", path: "billing/t.md")
        #expect(throws: ChunkingLimitError.self) { try chunker.chunk(document) }
        do {
            _ = try chunker.chunk(document)
        } catch {
            #expect(error.line >= 7)
            #expect(error.problem == "chunking took longer than 0 s; skipped")
        }
    }

    @Test func theMemoryGuardStops() throws {
        let chunker = Chunker(configuration: .init(maxTokens: Self.maxTokens, overlapTokens: 12, memoryLimitBytes: 1 << 20), tokenCounter: ApproximateTokenCounter())
        let text = (1...60_000).map { "Sentence \($0) is here." }.joined(separator: " ")
        let document = try document("---\ntitle: T\ncategory: billing\n---\n\(text)\n", path: "billing/t.md")
        #expect(throws: ChunkingLimitError(limit: .memory(bytes: 1 << 20), line: 5)) { try chunker.chunk(document) }
    }

    @Test func piecesOfASplitListReportTheirOwnLines() throws {
        let chunker = Chunker(configuration: .init(maxTokens: Self.maxTokens, overlapTokens: 0), tokenCounter: ApproximateTokenCounter())
        let items = (1...40).map { "- Item number \($0) explains one more refund rule" }.joined(separator: "\n")
        let chunks = chunker.chunks(of: try document("---\ntitle: T\ncategory: billing\n---\n## Rules\n\(items)\n", path: "billing/t.md"))
        #expect(chunks.count > 3)
        for chunk in chunks {
            // Item n is on line 5 + n.
            let numbers = chunk.text.split(separator: "\n").compactMap { $0.split(separator: " ").dropFirst(3).first.flatMap { Int($0) } }
            let first = try #require(numbers.first), last = try #require(numbers.last)
            #expect(chunk.lineStart == 5 + first && chunk.lineEnd == 5 + last, "\(chunk.lineStart)-\(chunk.lineEnd) for items \(first)-\(last)")
        }
    }

    @Test func piecesOfASplitTableReportTheirOwnLines() throws {
        let chunker = Chunker(configuration: .init(maxTokens: Self.maxTokens, overlapTokens: 0), tokenCounter: ApproximateTokenCounter())
        let rows = (1...40).map { "| Method \($0) | \($0) business days |" }.joined(separator: "\n")
        let chunks = chunker.chunks(of: try document("---\ntitle: T\ncategory: orders\n---\n## Shipping\n| Method | Time |\n| --- | --- |\n\(rows)\n", path: "orders/t.md"))
        #expect(chunks.count > 2)
        // Row n is on line 7 + n; the second piece starts at its own first row, not at the table's first line.
        let second = chunks[1]
        let firstRow = try #require(second.text.split(separator: "\n").dropFirst().first?.split(separator: " ").dropFirst().first.flatMap { Int($0) })
        #expect(second.lineStart == 7 + firstRow)
    }

    @Test func aPieceNeverEndsOnABareListNumber() throws {
        #expect(Chunker.sentences(in: "Download the installer.\n3. Run it. Then restart.") == ["Download the installer.", "3. Run it.", "Then restart."])
        #expect(Chunker.sentences(in: "Install the app 2. Open it") == ["Install the app 2. Open it"])
        #expect(Chunker.sentences(in: "It costs $5. Open it") == ["It costs $5.", "Open it"])
        let chunker = Chunker(configuration: .init(maxTokens: 40, overlapTokens: 0), tokenCounter: ApproximateTokenCounter())
        let steps = (1...30).map { "\($0). Open the page and install the app" }.joined(separator: " ")
        let chunks = chunker.chunks(of: try document("---\ntitle: T\ncategory: account\n---\n\(steps)\n", path: "account/t.md"))
        for chunk in chunks {
            let lastWord = chunk.text.split(whereSeparator: { $0 == " " || $0 == "\n" }).last.map(String.init) ?? ""
            #expect(!(lastWord.hasSuffix(".") && lastWord.dropLast().allSatisfy(\.isNumber)), "ends on \(lastWord)")
        }
    }
}
