import ArgumentParser
import Foundation
import SupportKit
import SupportKitEval
import SupportKitReport

/// `supportkit runs`: list, inspect, compare and re-report stored evaluation runs.
struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List, show, compare and report stored evaluation runs.",
        subcommands: [List.self, Show.self, Compare.self, Report.self])

    /// Options every `runs` subcommand shares.
    struct Options: ParsableArguments {
        @Option(name: .long, help: "The results database (default: eval.results in the settings file, else reports/results.sqlite).")
        var results: String?

        @Option(name: .long, help: "Settings file, read when it exists.")
        var config = "supportkit.yaml"

        @Flag(name: .long, help: "Print the result as one JSON object on stdout instead of human output.")
        var json = false

        /// The `eval:` section of the settings file (results database, report folder).
        func settings() throws -> EvalSettings { try EvalSettings.load(path: config) }

        /// Opens the database, refusing to create one where none exists (a typo in --results).
        func openStore() throws -> ResultsStore {
            let path = try results ?? settings().results ?? "reports/results.sqlite"
            guard FileManager.default.fileExists(atPath: path) else {
                throw SupportKitError(.invalidInput, "no results database at \(path); run `supportkit eval` first or pass --results FILE")
            }
            return try ResultsStore(path: path)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List runs, newest first, with their headline metrics.")

        @OptionGroup var options: Options

        @Option(name: .long, help: "Show at most this many runs.")
        var limit = 20

        func run() async throws {
            try await runReportingErrors {
                let runs = try options.openStore().recentRuns(limit: limit)
                if options.json { try Terminal.printJSON(RunListOutput(runs)) } else { RunsConsole.printList(runs) }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one run: fingerprints, metrics, gates (and every turn with --json).")

        @Argument(help: "A run id, a unique prefix of one, or `latest`.")
        var run: String

        @OptionGroup var options: Options

        func run() async throws {
            try await runReportingErrors {
                let stored = try options.openStore().loadRun(run)
                if options.json { try Terminal.printJSON(stored.output) } else { RunsConsole.printRun(stored) }
            }
        }
    }

    struct Compare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare run B with run A (the baseline), turn for turn: conversations that changed outcome, then per-metric deltas with paired-bootstrap intervals.")

        @Argument(help: "The baseline run (id, prefix or `latest`).")
        var a: String

        @Argument(help: "The run to compare with it.")
        var b: String

        @Option(name: .long, help: "Bootstrap resamples for the intervals.")
        var resamples = 1_000

        @OptionGroup var options: Options

        func run() async throws {
            try await runReportingErrors {
                let stored = try options.openStore().compare(baseline: a, run: b, resamples: resamples)
                for warning in stored.comparison.warnings { Terminal.diagnostic("warning: \(warning)") }
                if options.json { try Terminal.printJSON(stored.output) } else { RunsConsole.printComparison(stored) }
            }
        }
    }

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write (again) the HTML report of a run.")

        @Argument(help: "A run id, a unique prefix of one, or `latest`.")
        var run: String

        @Option(name: .customLong("report-dir"), help: "Where the HTML report goes (default: eval.report_dir in the settings file, else reports).")
        var reportDir: String?

        @Option(name: .long, help: "Also write JUnit XML here.")
        var junit: String?

        @Option(name: .long, help: "Also write a Markdown summary here.")
        var markdown: String?

        @OptionGroup var options: Options

        func run() async throws {
            try await runReportingErrors {
                let store = try options.openStore()
                let info = try store.resolveRun(run)
                let paths = try RunArtifacts.write(
                    runId: info.id, store: store, reportDirectory: try reportDir ?? options.settings().reportDirectory ?? "reports",
                    junit: junit, markdown: markdown, bootstrap: Bootstrap(seed: info.seed))
                if options.json { try Terminal.printJSON(ReportOutput(run: info.id, artifacts: paths)) } else { Terminal.output("report: \(paths.html.path)") }
            }
        }
    }
}
