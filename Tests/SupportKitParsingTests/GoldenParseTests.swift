import Foundation
import SupportKit
import Testing
@testable import SupportKitParsing

/// Parses each fixture and compares the documents with a recorded golden JSON file beside it.
/// Set `SUPPORTKIT_RECORD_GOLDEN=1` to re-record after an intended change, then review the diff.
@Suite struct GoldenParseTests {
    static let fixtures = ["billing/refunds.md", "orders/returns.html", "account/export.json", "account/lines.jsonl"]

    @Test(arguments: fixtures)
    func parseMatchesGolden(_ relativePath: String) throws {
        let root = try #require(Bundle.module.url(forResource: "Fixtures/golden", withExtension: nil))
        let result = DocumentParser().parseFile(at: root.appendingPathComponent(relativePath), relativePath: relativePath)
        #expect(result.errors.isEmpty, "\(result.errors)")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let actual = String(decoding: try encoder.encode(result.documents), as: UTF8.self) + "\n"
        let goldenSource = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/golden/\(relativePath).golden.json")
        if ProcessInfo.processInfo.environment["SUPPORTKIT_RECORD_GOLDEN"] == "1" {
            try actual.write(to: goldenSource, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: root.appendingPathComponent("\(relativePath).golden.json"), encoding: .utf8)
        #expect(actual == expected)
    }

    @Test func markdownStructureIsReadable() throws {
        let document = try parse("billing/refunds.md")
        #expect(document.title == "Refund timeline")
        #expect(document.tags == ["refunds", "cards"])
        let texts = document.blocks.map(\.text)
        #expect(texts[0] == "Most refunds reach you in 5-10 business days. See the return policy for details.")
        #expect(texts.contains("1. We receive your return at the warehouse.\n2. We inspect the item:\n  - unopened items pass at once\n  - opened items take one extra day\n3. We issue the refund."))
        let table = try #require(document.blocks.first { $0.kind == .table })
        #expect(table.text == "Method | Time | Notes")
        #expect(table.rows == ["Card | 5-10 days | Back to the same card", "Gift card | Instant | GC- balance"])
        #expect(document.blocks.contains { $0.kind == .code(language: "csv") && $0.text == "order_id,amount\n1001,19.99" })
        #expect(document.blocks.contains { $0.kind == .heading(level: 2) && $0.text == "Setext heading" })
        #expect(texts.last == "Text with a snake_case_name, 3 * 4 = 12, and & entity.")
    }

    @Test func htmlDropsChromeAndKeepsFAQPairs() throws {
        let document = try parse("orders/returns.html")
        #expect(document.id == "orders/start-return")
        #expect(document.title == "Start a return")
        #expect(document.category == "orders")
        #expect(document.tags == ["returns", "labels", "exchanges"])
        #expect(document.url == "https://help.example/orders/start-return")
        let all = document.blocks.map(\.text).joined(separator: "\n")
        #expect(!all.contains("analytics"))
        #expect(!all.contains("Related"))
        #expect(!all.contains("2026 Example"))
        #expect(all.contains("You have 30 days to return most items — here’s how."))
        #expect(document.blocks.contains { $0.kind == .faq && $0.text == "Can I return a gift?\nYes, with the gift receipt." })
        #expect(document.blocks.contains { $0.kind == .faq && $0.text == "Do I need the box?\nNo, any sturdy packaging works." })
        #expect(document.blocks.contains { $0.kind == .list && $0.text == "1. Open Order history.\n2. Choose the item\n  - Pick a reason" })
        #expect(document.blocks.contains { $0.kind == .table && $0.rows == ["Damaged | Free", "Changed mind | €4.99"] })
    }

    @Test func unclosedHeadingDoesNotSwallowTheFollowingContent() throws {
        let html = "<html><head><title>T</title><meta name=category content=orders></head><body><main><h2>Returns<p>Thirty days.</p><h2>Exchanges</h2><p>Free.</p></main></body></html>"
        let document = try HTMLParser().parse(Data(html.utf8), context: ParseContext(relativePath: "orders/x.html"))
        let headings = document.blocks.filter(\.isHeading).map(\.text)
        #expect(headings == ["Returns", "Exchanges"])
        #expect(document.blocks.contains { $0.kind == .paragraph && $0.text == "Thirty days." })
    }

    @Test func jsonArticlesTakeFolderCategoryAndDerivedIDs() throws {
        let root = try #require(Bundle.module.url(forResource: "Fixtures/golden", withExtension: nil))
        let result = DocumentParser().parseFile(at: root.appendingPathComponent("account/export.json"), relativePath: "account/export.json")
        #expect(result.documents.map(\.id) == ["account/data-export", "account/export/close-your-account"])
        #expect(result.documents.map(\.category) == ["account", "account"])
        let lines = DocumentParser().parseFile(at: root.appendingPathComponent("account/lines.jsonl"), relativePath: "account/lines.jsonl")
        #expect(lines.documents.map(\.id) == ["account/2fa", "account/lines/lost-your-phone"])
        #expect(lines.documents[1].blocks.first?.lineStart == 3)
    }

    private func parse(_ relativePath: String) throws -> Document {
        let root = try #require(Bundle.module.url(forResource: "Fixtures/golden", withExtension: nil))
        let result = DocumentParser().parseFile(at: root.appendingPathComponent(relativePath), relativePath: relativePath)
        #expect(result.errors.isEmpty)
        return try #require(result.documents.first)
    }
}
