import Foundation
import SupportKit
import SupportKitParsing
import Testing
@testable import SupportKitIngest

@Suite struct ChunkerTests {
    let chunker = Chunker(configuration: .init(maxTokens: 60, overlapTokens: 12), tokenCounter: ApproximateTokenCounter())

    private func document(_ markdown: String, path: String = "billing/refunds.md") throws -> Document {
        let result = DocumentParser().parse(Data(markdown.utf8), relativePath: path)
        #expect(result.errors.isEmpty, "\(result.errors)")
        return try #require(result.documents.first)
    }

    static let base = """
        ---
        title: Refunds
        url: https://help.example/billing/refunds
        ---
        Refunds go back to the original payment method.

        ## Cards
        Card refunds take five to ten business days to appear on your statement.

        ## Gift cards
        Gift card refunds are instant.

        ### Expired gift cards
        We reissue expired gift cards on request.
        """

    @Test func chunksCarryHeadingPathLinesAndAnchors() throws {
        let chunks = chunker.chunks(of: try document(Self.base))
        #expect(chunks.map(\.headingPathText) == ["Refunds", "Refunds > Cards", "Refunds > Gift cards", "Refunds > Gift cards > Expired gift cards"])
        #expect(chunks[1].lineStart == 8)
        #expect(chunks[1].anchor == "https://help.example/billing/refunds#cards")
        #expect(chunks[0].anchor == "https://help.example/billing/refunds")
        #expect(chunks.allSatisfy { $0.docId == "billing/refunds" && $0.category == "billing" })
        #expect(chunks[3].embeddingText == "Refunds > Gift cards > Expired gift cards\nWe reissue expired gift cards on request.")
    }

    @Test func editingOneSectionKeepsOtherSectionsIDs() throws {
        let before = chunker.chunks(of: try document(Self.base))
        let edited = Self.base.replacingOccurrences(
            of: "Card refunds take five to ten business days to appear on your statement.",
            with: "Card refunds take five to ten business days to appear on your statement.\n\nA new paragraph about banks that hold refunds for longer than usual, which is long enough to matter.")
        let after = chunker.chunks(of: try document(edited))
        let beforeByPath = Dictionary(grouping: before, by: \.headingPathText)
        let afterByPath = Dictionary(grouping: after, by: \.headingPathText)
        for path in ["Refunds", "Refunds > Gift cards", "Refunds > Gift cards > Expired gift cards"] {
            #expect(beforeByPath[path]?.map(\.id) == afterByPath[path]?.map(\.id), "ids changed in \(path)")
        }
        #expect(beforeByPath["Refunds > Cards"]?.first?.id == afterByPath["Refunds > Cards"]?.first?.id)
        #expect(beforeByPath["Refunds > Cards"]?.first?.contentHash != afterByPath["Refunds > Cards"]?.first?.contentHash)
    }

    @Test func idsAreDeterministicUUIDv5() throws {
        let id = Chunk.makeID(docId: "billing/refunds", headingPath: ["Refunds", "Cards"], position: 0)
        #expect(id == Chunk.makeID(docId: "billing/refunds", headingPath: ["Refunds", "Cards"], position: 0))
        #expect(id != Chunk.makeID(docId: "billing/refunds", headingPath: ["Refunds", "Cards"], position: 1))
        #expect(id.uuidString.dropFirst(14).first == "5")
    }

    @Test func repeatedHeadingsGetDistinctIDs() throws {
        let chunks = chunker.chunks(of: try document("---\ntitle: T\n---\n## FAQ\nOne.\n## FAQ\nTwo.\n"))
        #expect(chunks.count == 2)
        #expect(chunks[0].id != chunks[1].id)
    }

    @Test func longSectionsSplitWithinBudgetWithOverlap() throws {
        let sentences = (1...30).map { "Sentence number \($0) explains one more refund rule." }.joined(separator: " ")
        let chunks = chunker.chunks(of: try document("---\ntitle: T\n---\n## Rules\n\(sentences)\n"))
        #expect(chunks.count > 3)
        let counter = ApproximateTokenCounter()
        for chunk in chunks {
            #expect(counter.tokenCount(chunk.headingPathText) + counter.tokenCount(chunk.text) <= 60 + 2)
        }
        #expect(chunks.map(\.position) == Array(0..<chunks.count))
        // The last sentence of one piece opens the next.
        let lastOfFirst = try #require(chunks[0].text.split(separator: "\n").last)
        #expect(chunks[1].text.hasPrefix(lastOfFirst))
    }

    @Test func codeBlocksAreNeverSplit() throws {
        let code = (1...40).map { "line_\($0) = refund(order: \($0))" }.joined(separator: "\n")
        let chunks = chunker.chunks(of: try document("---\ntitle: T\n---\n## API\nIntro.\n\n```python\n\(code)\n```\n\nAfter.\n"))
        #expect(chunks.contains { $0.text.contains("line_1 =") && $0.text.contains("line_40 =") })
    }

    @Test func tablePiecesRepeatTheHeaderRow() throws {
        let rows = (1...30).map { "| Method \($0) | \($0) business days | $\($0).99 |" }.joined(separator: "\n")
        let chunks = chunker.chunks(of: try document("---\ntitle: T\n---\n## Shipping\n| Method | Time | Cost |\n| --- | --- | --- |\n\(rows)\n"))
        #expect(chunks.count > 1)
        for chunk in chunks {
            #expect(chunk.text.hasPrefix("Method | Time | Cost\n"))
            // No row is cut in half: every line after the header is a complete three-cell row.
            for line in chunk.text.split(separator: "\n").dropFirst() {
                #expect(line.components(separatedBy: " | ").count == 3)
            }
        }
        let allRows = chunks.flatMap { $0.text.split(separator: "\n").dropFirst() }
        #expect(Set(allRows).count == 30)
    }
}
