import Foundation
import SupportKit
import Testing
@testable import SupportKitParsing

/// Byte-level shortcuts must give exactly what the general code gives.
@Suite struct FastPathTests {
    static let headings = [
        "Refunds", "Section 2 about delivery", "  FAQ: What's new?  ", "snake_case-and-dashes", "A/B testing (2026)",
        "UPPER lower 123", "---", "", " ", "\t", "a\u{7F}b", "Ends with !", "@#$%^&*()",
    ]

    @Test(arguments: headings)
    func asciiSlugsMatchTheUnicodePath(_ heading: String) {
        #expect(Slug.make(heading) == Slug.makeFromScalars(heading))
    }

    @Test func nonASCIISlugsKeepLetters() {
        #expect(Slug.make("Café Straße 日本") == Slug.makeFromScalars("Café Straße 日本"))
        #expect(Slug.make("Remboursement rapide") == "remboursement-rapide")
    }

    static let padded = [
        "plain", " leading", "trailing ", "\ttabs\t", "\nnewlines\n", "\u{A0}no-break\u{A0}", "\u{2003}em\u{2003}",
        "\u{85}next line\u{85}", "\u{2028}separator", "é accented é", "", " ", "\r\n", "a", "(x)", "\u{7F}del\u{7F}",
    ]

    @Test(arguments: padded)
    func trimmingMatchesFoundation(_ text: String) {
        #expect(text.trimmingWhitespace() == text.trimmingCharacters(in: .whitespaces))
        #expect(text.trimmingWhitespace(includingNewlines: true) == text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func invalidUTF8AfterLongASCIIRunsIsFound() {
        // The validator skips ASCII eight bytes at a time; a bad byte at every offset within such a word is still found.
        for offset in 0..<20 {
            var bytes = Array(String(repeating: "a", count: 40).utf8)
            bytes[offset + 9] = 0xFF
            let errors = DocumentParser().parse(Data(bytes), relativePath: "billing/a.md").errors.map(\.description)
            #expect(errors == ["billing/a.md:1:\(offset + 10): encoding: invalid UTF-8 byte 0xFF; re-save the file as UTF-8"])
        }
    }

    @Test func nulBytesAreFoundAnywhere() {
        for offset in [0, 7, 8, 33, 64] {
            var bytes = Array(String(repeating: "line\n", count: 14).utf8)
            bytes[offset] = 0
            let errors = DocumentParser().parse(Data(bytes), relativePath: "billing/a.md").errors.map(\.description)
            let location = "\(offset / 5 + 1):\(offset % 5 + 1)"
            #expect(errors == ["billing/a.md:\(location): file: binary content (a NUL byte), not a text document; remove the file from the corpus or export it as Markdown, HTML or JSON"])
        }
    }

    @Test func bodyLinesAreNumberedAfterFrontMatterWithAndWithoutFinalBreak() throws {
        let text = "---\ntitle: T\ncategory: billing\n---\r\nFirst line\r\n\r\nSecond paragraph"
        let document = try #require(DocumentParser().parse(Data(text.utf8), relativePath: "a.md").documents.first)
        #expect(document.blocks.map(\.text) == ["First line", "Second paragraph"])
        #expect(document.blocks.map(\.lineStart) == [5, 7])
        let closedAtEnd = "---\ntitle: T\ncategory: billing\n---"
        #expect(DocumentParser().parse(Data(closedAtEnd.utf8), relativePath: "a.md").errors.map(\.field) == ["content"])
    }
}
