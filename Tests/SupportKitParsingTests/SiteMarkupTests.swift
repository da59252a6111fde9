import Foundation
import SupportKit
import Testing
@testable import SupportKitParsing

/// One help-center page per static-site generator (fixtures written for these tests): template markup is gone,
/// what a reader sees stays, line numbers are the file's, and the removals are counted.
@Suite struct SiteMarkupTests {
    private func parse(_ name: String) throws -> (document: Document, markup: MarkupCounts) {
        let root = try #require(Bundle.module.url(forResource: "Fixtures/sites", withExtension: nil))
        let result = DocumentParser().parseFile(at: root.appendingPathComponent(name), relativePath: name)
        #expect(result.errors.isEmpty, "\(result.errors)")
        return (try #require(result.documents.first), result.markup)
    }

    private func text(_ document: Document) -> String {
        document.blocks.map { ([$0.text] + $0.rows).joined(separator: "\n") }.joined(separator: "\n")
    }

    private func expectNoMarkup(_ text: String, except allowed: [String] = [], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        var text = text
        for piece in allowed { text = text.replacingOccurrences(of: piece, with: "") }
        for marker in ["{%", "%}", "{{", "}}", "{:", ":::", "!!!", "???", "===", "<Tab", "</Tab", "import ", "export ", "&rarr;", "<script"] {
            #expect(!text.contains(marker), "left over: \(marker)", sourceLocation: sourceLocation)
        }
    }

    @Test func jekyllLiquidAndKramdown() throws {
        let (document, markup) = try parse("jekyll.md")
        #expect(document.category == "account")
        let text = text(document)
        expectNoMarkup(text, except: ["Your code is {{ code }} and it works."])
        for visible in [
            "Closing your account removes your saved addresses and order history.",
            "Before deleting your account, download your invoices.",
            "1. Open Settings.", "Closing cannot be undone after 30 days.", "Questions? Write to the privacy team.",
            "Your code is {{ code }} and it works.", "More help: Policies →",
        ] {
            #expect(text.contains(visible), "missing: \(visible)")
        }
        for hidden in ["Internal: legal", "track.js", "color: red", "TOC", "lead"] {
            #expect(!text.contains(hidden), "kept: \(hidden)")
        }
        #expect(document.blocks.contains { $0.kind == .code(language: "shell") && $0.text == "curl -X DELETE https://api.example/account" })
        // Lines are the file's: the comment block, the include and the TOC took lines 6-11.
        #expect(document.blocks.first { $0.kind == .heading(level: 2) }?.lineStart == 20)
        #expect(markup.liquidTags == 11)
        #expect(markup.liquidVariables == 2)
        #expect(markup.kramdownAttributes == 3)
        #expect(markup.kramdownExtensions == 3)
        #expect(markup.scriptsAndStyles == 2)
    }

    @Test func hugoShortcodes() throws {
        let (document, markup) = try parse("hugo.md")
        let text = text(document)
        expectNoMarkup(text)
        for visible in [
            "You can change the address until the parcel ships.", "Tap Orders, pick the order, then tap Edit address.",
            "Open the menu and choose Orders.", "for delivery estimates.",
        ] {
            #expect(text.contains(visible), "missing: \(visible)")
        }
        #expect(!text.contains("A note for editors"))
        #expect(markup.hugoShortcodes == 10)
    }

    @Test func docusaurusMDX() throws {
        let (document, markup) = try parse("docusaurus.mdx")
        let text = text(document)
        expectNoMarkup(text, except: ["import Stripe from 'stripe';"])
        for visible in [
            "Expiring cards", "We email you 14 days before your card expires.", "On the web", "Go to Billing and choose Replace card.",
            "In the app", "Tap the card, then tap Replace.", "Add a backup card so renewals never fail.",
        ] {
            #expect(text.contains(visible), "missing: \(visible)")
        }
        #expect(!text.contains("Screenshot pending") && !text.contains("children") && !text.contains("groupId"))
        #expect(document.blocks.contains { $0.kind == .code(language: "js") && $0.text == "import Stripe from 'stripe';" })
        #expect(markup.mdxStatements == 3)
        #expect(markup.jsxComponents == 7)
        #expect(markup.admonitions == 4)
    }

    @Test func mkdocsAdmonitionsAndTabsReadAsText() throws {
        let (document, markup) = try parse("mkdocs.md")
        let text = text(document)
        expectNoMarkup(text)
        for visible in [
            "Lost your phone?", "Use one of your backup codes to sign in first.", "Each code works once.", "Codes are eight digits long.",
            "Authenticator app", "Open the app and remove the old entry.", "Text message", "We send a new code to your phone number.",
            "After resetting, sign out of every other device.",
        ] {
            #expect(text.contains(visible), "missing: \(visible)")
        }
        #expect(!document.blocks.contains { if case .code = $0.kind { true } else { false } }, "an indented body became code")
        #expect(markup.admonitions == 4)
    }

    @Test func liquidInHTMLPages() throws {
        let (document, markup) = try parse("jekyll.html")
        let text = text(document)
        expectNoMarkup(text)
        #expect(text.contains("Standard parcels arrive in 3-5 days"))
        #expect(text.contains("tracking page."))
        #expect(!text.contains("Secret draft"))
        #expect(markup.liquidTags == 3 && markup.liquidVariables == 1 && markup.kramdownAttributes == 1)
    }

    @Test func plainTextIsLeftAlone() throws {
        let markdown = "---\ntitle: T\ncategory: billing\n---\nA {curly} word, a < b, e.g. 3 > 2, a : colon and ::: inline.\n"
        var counts = MarkupCounts()
        let bytes = Array(markdown.utf8)
        let stripped = bytes.withUnsafeBufferPointer { SiteMarkup.strip($0, 0..<$0.count, lineSyntax: true, counts: &counts) }
        #expect(stripped == nil)
        #expect(counts.total == 0)
    }

    @Test func entitiesInListsAndQuotesAreDecoded() throws {
        let result = DocumentParser().parse(Data("---\ntitle: T\ncategory: billing\n---\n- Policies &rarr; Refunds\n\n> Fees &amp; taxes\n".utf8), relativePath: "billing/t.md")
        let document = try #require(result.documents.first)
        #expect(document.blocks.map(\.text) == ["- Policies → Refunds", "Fees & taxes"])
    }

    @Test func countsReadAsAReportLine() {
        var counts = MarkupCounts()
        counts.liquidTags = 1_203
        counts.kramdownAttributes = 210
        #expect(counts.parts.map { "\($0.count) \($0.name)" } == ["1203 Liquid tags", "210 kramdown attributes"])
        #expect(counts.total == 1_413)
    }
}
