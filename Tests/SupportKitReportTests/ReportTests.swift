import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import SupportKit
import SupportKitEvalTesting
import SupportKitTesting
@testable import SupportKitEval
@testable import SupportKitReport

@Suite struct ReportTests {
    @Test func escapesHostileTextEverywhere() {
        let html = HTMLReport(ReportFixtures.input()).render()
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("<script>document"))
        #expect(!html.contains("<img src=x"))
        #expect(!html.contains("<b>Cards</b>") && !html.contains("<i>refund</i>"))
        #expect(html.contains("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;"))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt; refund &amp; &quot;quotes&quot;"))
        #expect(html.contains("x&lt;script&gt;alert(1)&lt;/script&gt;"))
        // The only script is the report's own.
        #expect(html.components(separatedBy: "<script>").count == 2)
        // No input text ever becomes an anchor id.
        #expect(html.contains("id=\"conv-1\"") && html.contains("href=\"#conv-1-t0\""))
        #expect("a<b>&\"'".htmlEscaped == "a&lt;b&gt;&amp;&quot;&#39;")
    }

    @Test func pageIsSelfContained() {
        let html = HTMLReport(ReportFixtures.input()).render()
        for external in ["http://", "https://", "src=\"", "<link", "@import", "url("] {
            #expect(!html.contains(external), "the report must not reference \(external)")
        }
        #expect(html.contains("<svg"))
        #expect(html.contains("Gates failed"))
        #expect(html.contains("cases-intent-1-0"))   // the problem -> question cell lists its case
    }

    @Test func everyMetricIsListedWithWhatItCounts() {
        let html = HTMLReport(ReportFixtures.input()).render()
        for definition in MetricName.definitions {
            #expect(html.contains("<td><code>\(definition.name.htmlEscaped)</code></td><td class=\"what\">\(definition.summary.htmlEscaped)</td>"), "\(definition.name)")
        }
    }

    @Test func junitMatchesTheGoldenFile() throws {
        let xml = JUnitReport.render(ReportFixtures.input())
        let url = try #require(Bundle.module.url(forResource: "junit-golden", withExtension: "xml", subdirectory: "Fixtures"))
        if ProcessInfo.processInfo.environment["SUPPORTKIT_RECORD_GOLDEN"] == "1" {
            let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/junit-golden.xml")
            try Data(xml.utf8).write(to: source)
        }
        let golden = try String(contentsOf: url, encoding: .utf8)
        #expect(xml == golden, "re-record with SUPPORTKIT_RECORD_GOLDEN=1 after an intended change")
        #expect(XMLParser(data: Data(xml.utf8)).parse(), "the JUnit output must be well-formed XML")
    }

    @Test func junitSkipsConversationsWithUnmeasuredTurns() {
        let xml = JUnitReport.render(ReportFixtures.input(gates: []))
        #expect(xml.contains("tests=\"3\" failures=\"0\" errors=\"0\" skipped=\"1\""))
        #expect(xml.contains("turn 1 [retrieval_rank]: &quot;Where is my parcel?&quot;"))
        let skipped = ReportInput(run: ReportFixtures.run, records: [makeRecord("s", 0, intent: "question", status: .error)],
                                  metrics: EvalMetrics.compute(records: [], bootstrap: nil))
        #expect(JUnitReport.render(skipped).contains("<skipped message=\"1 of 1 turns unmeasured: turn 1 (boom)\"/>"))
    }

    @Test func markdownSummaryListsGatesMetricsAndFailures() {
        let md = MarkdownSummary.render(ReportFixtures.input())
        #expect(md.hasPrefix("## supportkit eval · run `20261125-010000-abcd`\n\n**❌ 1 of 1 gates failed.**"))
        #expect(md.contains("| intent_accuracy | 75.0% |"))
        #expect(md.contains("3 conversations, 5 turns (4 measured; 0 errors and 1 timeouts not counted)."))
        #expect(md.contains("&lt;script&gt;") && !md.contains("<script>"))
    }

    @Test func writesTheRunFileAndLatest() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let file = try ReportWriter.write(ReportFixtures.input(), to: folder.path + "/reports")
        #expect(file.lastPathComponent == "20261125-010000-abcd.html")
        let latest = try String(contentsOfFile: folder.path + "/reports/latest.html", encoding: .utf8)
        #expect(try String(contentsOf: file, encoding: .utf8) == latest)
        #expect(latest == HTMLReport(ReportFixtures.input()).render())
        // Writing again replaces both files whole and leaves no temporary file behind.
        try "stale".write(to: file, atomically: false, encoding: .utf8)
        try ReportWriter.write(ReportFixtures.input(), to: folder.path + "/reports")
        #expect(try String(contentsOf: file, encoding: .utf8) == latest)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/reports").sorted()
                == ["20261125-010000-abcd.html", "latest.html"])
        // A folder that cannot be written is an error that names it, and nothing is left half-written.
        let blocked = try folder.write("a file, not a folder", to: "blocked")
        #expect(throws: SupportKitError.self) { try ReportWriter.write(ReportFixtures.input(), to: blocked.path) }
        #expect(try String(contentsOf: blocked, encoding: .utf8) == "a file, not a folder")
    }

    @Test func loadsAStoredRunWithTrendAndBaseline() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try ResultsStore(path: folder.path + "/reports/results.sqlite")
        var base = ReportFixtures.run
        base.id = "20261124-000000-0000"
        base.startedAt = base.startedAt.addingTimeInterval(-3600)
        let baseRecords = ReportFixtures.records.map { record -> TurnRecord in
            var copy = record
            if let expected = record.expected.intent { copy.prediction?.intent = expected }
            return copy
        }
        try await store.importRun(base, turns: baseRecords, metrics: EvalMetrics.compute(records: baseRecords, bootstrap: nil).metrics)
        var run = ReportFixtures.run
        run.baselineRun = base.id
        let metrics = EvalMetrics.compute(records: ReportFixtures.records, bootstrap: Bootstrap(resamples: 50))
        try await store.importRun(run, turns: ReportFixtures.records, metrics: metrics.metrics)
        let input = try ReportInput.load(runId: run.id, from: store, bootstrap: Bootstrap(resamples: 50))
        #expect(input.trend.map(\.runId) == [base.id, run.id])
        #expect(input.records == ReportFixtures.records)
        #expect(input.metrics.metrics[MetricName.intentAccuracy] == metrics.metrics[MetricName.intentAccuracy])
        let delta = try #require(input.comparison?.deltas[MetricName.intentAccuracy]?.delta)
        #expect(abs(delta - (0.75 - 1)) < 1e-12)
        #expect(try store.resolveRun("latest").id == run.id)
        #expect(try store.resolveRun("20261124").id == base.id)
        #expect(throws: SupportKitError.self) { try store.resolveRun("2026") }
    }

    /// Loads the report in headless Chromium and checks that its script ran to the end with no error
    /// and that no hostile text turned into markup.
    @Test(.enabled(if: Chromium.isInstalled, "Chromium is not installed (apt-get install chromium); skipping the browser check"))
    func reportLoadsInChromiumWithoutConsoleErrors() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let file = try ReportWriter.write(ReportFixtures.input(), to: folder.path)
        let result = try Chromium.dumpDOM(of: file, profile: folder.path + "/profile")
        #expect(result.dom.contains("data-ready=\"1\""), "the report's script did not finish")
        #expect(result.dom.contains("data-errors=\"\""), "script errors: \(result.dom)")
        #expect(result.dom.contains("<title>supportkit eval 20261125-010000-abcd</title>"))
        #expect(!result.dom.contains("<img src=\"x\""))
        // Clicking a confusion-matrix cell shows the list of its turns (CSS :target, no script needed).
        let html = try String(contentsOf: file, encoding: .utf8)
        let probe = "<script>setTimeout(function(){document.querySelector('a[href=\"#cases-intent-1-0\"]').click();"
            + "setTimeout(function(){var e=document.getElementById('cases-intent-1-0');document.title='cell:'+getComputedStyle(e).display+':'+e.querySelectorAll('li').length;},50)},50)</script></body>"
        let clicked = try folder.write(html.replacingOccurrences(of: "</body>", with: probe), to: "clicked.html")
        let afterClick = try Chromium.dumpDOM(of: clicked, profile: folder.path + "/profile2")
        #expect(afterClick.dom.contains("<title>cell:block:1</title>"), "the clicked cell's case list is not shown")
        let consoleErrors = result.log.split(separator: "\n").filter { $0.contains("Uncaught") || ($0.contains("CONSOLE") && $0.contains("ERROR")) }
        #expect(consoleErrors.isEmpty, "console: \(consoleErrors.joined(separator: "\n"))")
    }
}

/// Runs the Debian `chromium` package headless.
enum Chromium {
    static let isInstalled = path != nil

    static var path: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func dumpDOM(of file: URL, profile: String) throws -> (dom: String, log: String) {
        guard let path else { throw CocoaError(.fileNoSuchFile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile)",
                             "--enable-logging=stderr", "--v=0", "--virtual-time-budget=2000", "--dump-dom", file.absoluteString]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read both pipes to the end before waiting, so a chatty browser cannot block on a full pipe.
        let dom = output.fileHandleForReading.readDataToEndOfFile()
        let log = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: dom, as: UTF8.self), String(decoding: log, as: UTF8.self))
    }
}
