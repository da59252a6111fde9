import Foundation
import SupportKit
import SupportKitParsing
import Testing
@testable import SupportKitIngest

/// A help center as teams keep one: stubs and drafts, a defaults file, template markup, a page too slow to
/// chunk, and many pages with the same mistake.
@Suite struct IngestHelpCenterTests {
    @Test func draftsAreSkippedExcludedFilesIgnoredAndMarkupCounted() async throws {
        let harness = try IngestHarness()
        defer { harness.remove() }
        try harness.corpus.write("---\ntitle: Refunds\ncategories: [billing]\n---\nRefunds take {{ site.days }} days.{: .note}\n\n{% include cta.html %}\n", to: "billing/refunds.md")
        try harness.corpus.write("---\ntitle: Stub\ncategory: billing\nhidden: true\n---\n", to: "billing/stub.md")
        try harness.corpus.write("---\ntitle: Defaults\n---\nLayout defaults.\n", to: "_defaults.md")
        try harness.corpus.write("---\ntitle: Draft\ncategory: orders\n---\nDraft text.\n", to: "_drafts/draft.md")
        let summary = try await harness.run(filter: CorpusFilter(exclude: ["_defaults.md", "_drafts"]))
        #expect(summary.errors.isEmpty, "\(summary.errors)")
        #expect(summary.documents.added == 1)
        #expect(summary.documentsSkipped == 1)
        #expect(summary.filesExcluded == 2)
        #expect(summary.markup.liquidTags == 1 && summary.markup.liquidVariables == 1 && summary.markup.kramdownAttributes == 1)
        let output = String(decoding: try JSONEncoder().encode(IngestOutput(summary)), as: UTF8.self)
        #expect(output.contains("\"skipped\":1") && output.contains("\"liquid_tags\":1") && output.contains("\"files_excluded\":2"))
    }

    @Test func aDocumentOverTheChunkingLimitIsNamedAndTheOthersGoOn() async throws {
        let harness = try IngestHarness()
        defer { harness.remove() }
        try harness.corpus.write(IngestHarness.article("Refunds"), to: "billing/refunds.md")
        let rows = (1...300).map { "| row \($0) | value \($0) |" }.joined(separator: "\n")
        try harness.corpus.write("---\ntitle: Limits\n---\nIntro.\n\n| A | B |\n| --- | --- |\n\(rows)\n", to: "billing/limits.md")
        let summary = try await harness.run(chunker: .init(maxTokens: 80, overlapTokens: 10, timeLimit: .zero))
        #expect(summary.documents.added == 1)
        #expect(summary.documents.failed == 1)
        let error = try #require(summary.errors.first)
        #expect(error.location.path == "billing/limits.md" && error.location.line >= 6)
        #expect(error.field == "chunking" && error.problem == "chunking took longer than 0 s; skipped")
    }

    @Test func aLongRowTableIngestsInDryRunAndForReal() async throws {
        let harness = try IngestHarness()
        defer { harness.remove() }
        let cell = (1...400).map { "<li>Option \($0) of the setting</li>" }.joined()
        try harness.corpus.write("---\ntitle: Parameters\n---\n| Name | Values |\n| --- | --- |\n| mode | <ul>\(cell)</ul> |\n", to: "billing/parameters.md")
        try harness.corpus.write("<html><head><title>Parameters</title><meta name=\"category\" content=\"orders\"></head><body><main><table><tr><th>Name</th><th>Values</th></tr><tr><td>mode</td><td><ul>\(cell)</ul></td></tr></table></main></body></html>", to: "orders/parameters.html")
        let plan = try await harness.run(dryRun: true)
        #expect(plan.errors.isEmpty && plan.documents.added == 2)
        let summary = try await harness.run()
        #expect(summary.errors.isEmpty && summary.documents.added == 2)
        #expect(summary.chunks.added > 10)
    }

    @Test func repeatedErrorsAreSummarized() {
        var summary = IngestSummary()
        let remedy = "expected one of account, orders, billing (or add it to `categories` in supportkit.yaml)"
        summary.errors = (1...53).map {
            InputError(SourceLocation(path: "x/\($0).md", line: 3, column: 11), field: "category", problem: "unknown category \"x\"", remedy: remedy)
        } + [InputError(SourceLocation(path: "y.md", line: 1), field: "title", problem: "missing", remedy: "add a title")]
        #expect(summary.summarizedErrors() == [
            "53 documents: category: unknown category \"x\"; \(remedy) (first 3: x/1.md:3:11, x/2.md:3:11, x/3.md:3:11)",
            "y.md:1:1: title: missing; add a title",
        ])
    }

    @Test(arguments: [
        ("_defaults.md", "_defaults.md", false), ("_defaults.md", "billing/_defaults.md", false), ("_drafts", "_drafts/a.md", false),
        ("billing/*.md", "billing/a.md", false), ("billing/*.md", "billing/deep/a.md", true), ("**/internal-*.md", "a/b/internal-x.md", false),
        ("**/internal-*.md", "internal-y.md", false), ("?.md", "ab.md", true),
    ])
    func excludeGlobs(_ pattern: String, _ path: String, _ admitted: Bool) {
        #expect(CorpusFilter(exclude: [pattern]).admits(path) == admitted)
    }

    @Test func includeGlobs() {
        let filter = CorpusFilter(include: ["docs/**"], exclude: ["docs/old/**"])
        #expect(filter.admits("docs/a.md") && filter.admits("docs/x/y.md"))
        #expect(!filter.admits("blog/a.md") && !filter.admits("docs/old/a.md"))
    }
}
