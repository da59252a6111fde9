import Foundation
import SupportKit
import Testing
@testable import SupportKitParsing

/// The exact text of every input error: people fix their files from these messages.
@Suite struct ParseErrorTests {
    let parser = DocumentParser()

    private func errors(_ text: String, _ path: String) -> [String] {
        parser.parse(Data(text.utf8), relativePath: path).errors.map(\.description)
    }

    @Test func unknownCategoryListsTheConfiguredOnes() {
        #expect(errors("---\ntitle: Refunds\ncategory: refund\n---\nBody.\n", "billing/refunds.md") == [
            "billing/refunds.md:3:11: category: unknown category \"refund\"; expected one of account, orders, billing (or add it to `categories`, or map it in `ingest.front_matter.category_aliases`, in supportkit.yaml)",
        ])
    }

    @Test func customCategoriesAreHonoured() {
        let custom = DocumentParser(configuration: .init(categories: CategorySet(["shipping", "returns"])))
        let result = custom.parse(Data("---\ntitle: T\n---\nBody.\n".utf8), relativePath: "returns/t.md")
        #expect(result.errors.isEmpty)
        #expect(result.documents.first?.category == "returns")
        #expect(custom.parse(Data("---\ntitle: T\n---\nBody.\n".utf8), relativePath: "billing/t.md").errors.map(\.description) == [
            "billing/t.md:1:1: category: missing, and the folder \"billing\" is not a category; set `category:` in the front matter to one of shipping, returns, or set `ingest.front_matter.default_category`",
        ])
    }

    @Test func missingTitle() {
        #expect(errors("---\ncategory: billing\n---\nJust text.\n", "misc/a.md") == [
            "misc/a.md:1:1: title: missing; add `title:` to the front matter or start the document with a `# Heading`",
        ])
        #expect(errors("<html><head><meta name=\"category\" content=\"orders\"></head><body><p>Text</p></body></html>", "orders/a.html") == [
            "orders/a.html:1:1: title: missing; add a <title> or an <h1> to the page",
        ])
    }

    @Test func emptyContent() {
        #expect(errors("---\ntitle: Nothing\ncategory: orders\n---\n\n## Only a heading\n", "orders/empty.md") == [
            "orders/empty.md:1:1: content: empty; add the article's text, or remove the file",
        ])
        #expect(errors("[{\"title\": \"T\", \"category\": \"orders\", \"content\": \"   \"}]", "orders/e.json") == [
            "orders/e.json:1:2: content: empty; add the article's text, or remove the file",
        ])
    }

    @Test func tagsNotAList() {
        #expect(errors("---\ntitle: T\ncategory: billing\ntags: refunds, cards\n---\nBody.\n", "billing/t.md") == [
            "billing/t.md:4:7: tags: expected a list of strings, found a single value; write `tags: [refunds, cards]` or one `- tag` per line",
        ])
        #expect(errors("{\"title\": \"T\", \"category\": \"billing\", \"tags\": \"refunds\", \"content\": \"x\"}", "billing/t.json") == [
            "billing/t.json:1:39: tags: expected a list of strings, found a string; write \"tags\": [\"refunds\", \"cards\"]",
        ])
    }

    @Test func invalidUTF8PointsAtTheByte() {
        var data = Data("---\ntitle: Caf".utf8)
        data.append(0xE9)
        data.append(contentsOf: Data("\ncategory: billing\n---\nBody\n".utf8))
        #expect(parser.parse(data, relativePath: "billing/cafe.md").errors.map(\.description) == [
            "billing/cafe.md:2:11: encoding: invalid UTF-8 byte 0xE9; re-save the file as UTF-8",
        ])
    }

    @Test func binaryFile() {
        let data = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00])
        #expect(parser.parse(data, relativePath: "orders/logo.md").errors.map(\.description) == [
            "orders/logo.md:3:1: file: binary content (a NUL byte), not a text document; remove the file from the corpus or export it as Markdown, HTML or JSON",
        ])
    }

    @Test func unreadableAndOversizedFiles() throws {
        let missing = parser.parseFile(at: URL(fileURLWithPath: "/nonexistent/x.md"), relativePath: "orders/x.md")
        #expect(missing.errors.map(\.description) == ["orders/x.md:1:1: file: unreadable (no such file); check that the file exists and is readable"])
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sk-big-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let big = folder.appendingPathComponent("big.md")
        try Data(repeating: 0x61, count: 2 * 1_048_576).write(to: big)
        let small = DocumentParser(configuration: .init(maxFileBytes: 1_048_576))
        #expect(small.parseFile(at: big, relativePath: "orders/big.md").errors.map(\.description) == [
            "orders/big.md:1:1: file: 2.0 MB is over the 1.0 MB limit; split it into one file per article, or raise `ingest.max_file_mb` in supportkit.yaml",
        ])
    }

    @Test func malformedFrontMatter() {
        #expect(errors("---\ntitle: [unclosed\ncategory: billing\n---\nBody\n", "billing/x.md").first?.hasPrefix("billing/x.md:3:") == true)
        #expect(errors("---\ntitle: T\ncategory: billing\nBody never closes\n", "billing/y.md") == [
            "billing/y.md:1:1: front matter: opened with `---` but never closed; end the front matter with a line containing only `---`",
        ])
    }

    @Test func malformedJSONNamesLineAndColumn() {
        #expect(errors("[\n  {\"title\": \"A\",\n   \"content\": \"x\" \"category\": \"orders\"}\n]", "orders/bad.json") == [
            "orders/bad.json:3:19: json: expected ',' or '}' after a value, found '\"'; fix the JSON syntax (a validator such as `python3 -m json.tool FILE` shows the same spot)",
        ])
        let lines = "{\"title\": \"A\", \"category\": \"orders\", \"content\": \"ok\"}\n{\"title\": \"B\", \"content\": \n"
        let result = parser.parse(Data(lines.utf8), relativePath: "orders/l.jsonl")
        #expect(result.documents.map(\.title) == ["A"])
        #expect(result.errors.map(\.description) == [
            "orders/l.jsonl:2:27: json: unexpected end of input, expected a value; fix the JSON on this line (each line holds one complete article object)",
        ])
    }
}
