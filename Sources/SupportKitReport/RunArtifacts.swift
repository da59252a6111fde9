import Foundation
import SupportKit
import SupportKitEval

/// Writes everything a finished run produces besides the database: the HTML report (and `latest.html`),
/// and on request JUnit XML, a Markdown summary, and the GitHub step summary.
public enum RunArtifacts {
    /// Where the files went.
    public struct Paths: Sendable, Hashable {
        /// The run's HTML report.
        public var html: URL
        /// The JUnit XML, when requested.
        public var junit: URL?
        /// The Markdown summary, when requested.
        public var markdown: URL?
    }

    /// Loads `runId` from `store` and writes its files.
    ///
    /// - Parameters:
    ///   - runId: the run to report.
    ///   - store: the results database.
    ///   - reportDirectory: the HTML folder (`reports/`).
    ///   - junit: a JUnit XML file to write, or nil.
    ///   - markdown: a Markdown file to write, or nil.
    ///   - stepSummary: a file to append the Markdown summary to (`$GITHUB_STEP_SUMMARY`), or nil.
    ///   - bootstrap: interval settings for the baseline comparison.
    ///   - inputErrors: suite problems that left conversations out (JUnit errors, and the Markdown says so).
    ///   - junitCases: what fails in the JUnit XML.
    /// - Returns: the paths written.
    /// - Throws: `SupportKitError.unavailable` when a file cannot be written; database errors.
    @discardableResult
    public static func write(
        runId: String, store: ResultsStore, reportDirectory: String, junit: String? = nil, markdown: String? = nil,
        stepSummary: String? = nil, bootstrap: Bootstrap = Bootstrap(), inputErrors: [InputError] = [],
        junitCases: JUnitCases = .gates
    ) throws -> Paths {
        var input = try ReportInput.load(runId: runId, from: store, bootstrap: bootstrap)
        input.inputErrors = inputErrors
        // Only the newest complete run becomes latest.html; re-rendering an old run must not replace it.
        let newest = try store.runs().first { $0.status == .complete }
        let html = try ReportWriter.write(input, to: reportDirectory, updateLatest: newest?.id == runId)
        var paths = Paths(html: html)
        if let junit {
            paths.junit = try writeFile(JUnitReport.render(input, cases: junitCases), to: junit)
        }
        guard markdown != nil || !(stepSummary ?? "").isEmpty else { return paths }
        let summary = MarkdownSummary.render(input)
        if let markdown {
            paths.markdown = try writeFile(summary, to: markdown)
        }
        if let stepSummary, !stepSummary.isEmpty {
            do {
                if !FileManager.default.fileExists(atPath: stepSummary) {
                    FileManager.default.createFile(atPath: stepSummary, contents: nil)
                }
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: stepSummary))
                defer { try? handle.close() }
                try handle.seekToEnd()
                try handle.write(contentsOf: Data((summary + "\n").utf8))
            } catch {
                throw SupportKitError(.unavailable, "cannot append the summary to \(stepSummary) ($GITHUB_STEP_SUMMARY)", underlying: error)
            }
        }
        return paths
    }

    private static func writeFile(_ text: String, to path: String) throws -> URL {
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            throw SupportKitError(.unavailable, "cannot write \(path); check that the folder is writable", underlying: error)
        }
        return url
    }
}
