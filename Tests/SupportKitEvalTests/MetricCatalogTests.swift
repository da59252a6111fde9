import Foundation
import SupportKitEval
import SupportKitTesting
import Testing

/// Every metric is declared once (`MetricName.definitions`): the score table, the help list, the JSON keys and the
/// table in docs/metrics.md follow from the declaration.
@Suite struct MetricCatalogTests {
    static let docs = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/metrics.md")
    static let begin = "<!-- every metric: generated from MetricName.definitions; SUPPORTKIT_RECORD_GOLDEN=1 rewrites it -->\n"
    static let end = "<!-- end of every metric -->"

    @Test func theDocsTableIsTheDeclarations() throws {
        var text = try String(contentsOf: Self.docs, encoding: .utf8)
        let start = try #require(text.range(of: Self.begin), "docs/metrics.md has no generated metrics table")
        let stop = try #require(text.range(of: Self.end, range: start.upperBound..<text.endIndex))
        let documented = String(text[start.upperBound..<stop.lowerBound])
        if GoldenFile.isRecording, documented != MetricName.docsTable {
            text.replaceSubrange(start.upperBound..<stop.lowerBound, with: MetricName.docsTable)
            try Data(text.utf8).write(to: Self.docs)
            return
        }
        #expect(documented == MetricName.docsTable, "docs/metrics.md's metric table differs from MetricName.definitions; re-record it")
    }

    @Test func everyDeclarationSaysWhatItCounts() {
        for definition in MetricName.definitions {
            #expect(!definition.summary.isEmpty && !definition.summary.hasSuffix("."), "\(definition.name)")
        }
        #expect(MetricName.docsTable.contains("| `recall@K` | higher | expected documents in the top K / expected documents"))
    }
}
