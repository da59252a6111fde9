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
        @Option(name: .long, help: "The results database.")
        var results = "reports/results.sqlite"

        @Flag(name: .long, help: "Print one JSON object on stdout instead of human output.")
        var json = false

        /// Opens the database, refusing to create one where none exists (a typo in --results).
        func openStore() throws -> ResultsStore {
            guard FileManager.default.fileExists(atPath: results) else {
                throw SupportKitError(.invalidInput, "no results database at \(results); run `supportkit eval` first or pass --results FILE")
            }
            return try ResultsStore(path: results)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List runs, newest first, with their headline metrics.")

        @OptionGroup var options: Options

        @Option(name: .long, help: "Show at most this many runs.")
        var limit = 20

        func run() async throws {
            try await runReportingErrors {
                let store = try options.openStore()
                let runs = Array(try store.runs().prefix(max(0, limit)))
                let metrics = try runs.map { try store.metrics(runId: $0.id) }
                if options.json {
                    try Terminal.printJSON(["runs": zip(runs, metrics).map { RunJSON(run: $0, metrics: $1) }])
                    return
                }
                guard !runs.isEmpty else {
                    Terminal.message("no runs yet; run `supportkit eval`")
                    return
                }
                let columns = [MetricName.intentAccuracy, MetricName.recall(at: 5), MetricName.escalationF1, MetricName.latencyP95]
                Terminal.message("run                   started               status    convs turns suite         "
                    + columns.map { $0.padding(toLength: 16, withPad: " ", startingAt: 0) }.joined())
                for (run, values) in zip(runs, metrics) {
                    var line = run.id.padding(toLength: 22, withPad: " ", startingAt: 0)
                        + ReportFormat.date(run.startedAt).padding(toLength: 22, withPad: " ", startingAt: 0)
                        + run.status.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
                        + "\(run.conversationCount)".padding(toLength: 6, withPad: " ", startingAt: 0)
                        + "\(run.turnCount)".padding(toLength: 6, withPad: " ", startingAt: 0)
                        + String(run.suiteHash.prefix(12)).padding(toLength: 14, withPad: " ", startingAt: 0)
                    for name in columns {
                        line += ReportFormat.value(values[name]?.value, metric: name).padding(toLength: 16, withPad: " ", startingAt: 0)
                    }
                    Terminal.message(line)
                }
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
                let store = try options.openStore()
                let info = try store.resolveRun(run)
                let metrics = try store.metrics(runId: info.id)
                let gates = try store.gates(runId: info.id)
                let turns = try store.turns(runId: info.id)
                if options.json {
                    try Terminal.printJSON(RunDetailJSON(run: info, metrics: metrics, gates: gates, turns: turns))
                    return
                }
                var lines = ["run \(info.id) (\(info.status.rawValue)), started \(ReportFormat.date(info.startedAt))",
                             "suite \(info.suiteHash.prefix(12)) from \(info.suitePaths.joined(separator: " ")): \(info.conversationCount) conversations, \(info.turnCount) turns (\(turns.count) recorded, \(turns.filter { !$0.isMeasured }.count) unmeasured)"]
                for key in info.fingerprints.keys.sorted() { lines.append("  \(key): \(info.fingerprints[key] ?? "")") }
                if let baseline = info.baselineRun { lines.append("baseline: \(baseline)") }
                lines.append("")
                lines += EvalConsole.metricTable(metrics, comparison: nil, names: MetricName.all)
                for gate in gates { lines.append("\(gate.passed ? "PASS" : "FAIL")  \(gate.rule): \(gate.detail)") }
                if info.status == .running { lines.append("this run is incomplete; finish it with `supportkit eval ... --resume \(info.id)`") }
                Terminal.message(lines.joined(separator: "\n"))
            }
        }
    }

    struct Compare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare run B with run A (the baseline), turn for turn, with paired-bootstrap intervals.")

        @Argument(help: "The baseline run (id, prefix or `latest`).")
        var a: String

        @Argument(help: "The run to compare with it.")
        var b: String

        @Option(name: .long, help: "Bootstrap resamples for the intervals.")
        var resamples = 1_000

        @OptionGroup var options: Options

        func run() async throws {
            try await runReportingErrors {
                let store = try options.openStore()
                let baseline = try store.resolveRun(a)
                let current = try store.resolveRun(b)
                let comparison = BaselineComparison.compare(
                    current: try store.turns(runId: current.id), currentInfo: current,
                    baseline: try store.turns(runId: baseline.id), baselineInfo: baseline,
                    bootstrap: Bootstrap(resamples: resamples, seed: current.seed))
                for warning in comparison.warnings { Terminal.message("warning: \(warning)") }
                if options.json {
                    try Terminal.printJSON(CompareJSON(baseline: baseline.id, run: current.id, comparison: comparison))
                    return
                }
                var lines = ["\(current.id) vs baseline \(baseline.id): \(comparison.pairedTurns) paired turns in \(comparison.pairedConversations) conversations"]
                for change in comparison.changes { lines.append("  changed \(change)") }
                lines.append("")
                for name in MetricName.all {
                    guard let delta = comparison.deltas[name] else { continue }
                    let verdict = ReportFormat.verdict(delta)
                    lines.append(name.padding(toLength: 22, withPad: " ", startingAt: 0)
                        + ReportFormat.value(delta.baseline, metric: name).padding(toLength: 10, withPad: " ", startingAt: 0) + "-> "
                        + ReportFormat.value(delta.current, metric: name).padding(toLength: 10, withPad: " ", startingAt: 0)
                        + ReportFormat.delta(delta.delta, metric: name).padding(toLength: 11, withPad: " ", startingAt: 0)
                        + ReportFormat.deltaInterval(delta.ciLow, delta.ciHigh, metric: name).padding(toLength: 18, withPad: " ", startingAt: 0)
                        + (verdict == .unclear ? "" : verdict.rawValue))
                }
                Terminal.message(lines.joined(separator: "\n"))
            }
        }
    }

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write (again) the HTML report of a run.")

        @Argument(help: "A run id, a unique prefix of one, or `latest`.")
        var run: String

        @Option(name: .customLong("report-dir"), help: "Where the HTML report goes.")
        var reportDir = "reports"

        @Option(name: .long, help: "Also write JUnit XML here.")
        var junit: String?

        @Option(name: .long, help: "Also write a Markdown summary here.")
        var markdown: String?

        @OptionGroup var options: Options

        func run() async throws {
            try await runReportingErrors {
                let store = try options.openStore()
                let info = try store.resolveRun(run)
                let started = ContinuousClock.now
                let paths = try RunArtifacts.write(runId: info.id, store: store, reportDirectory: reportDir, junit: junit, markdown: markdown,
                                                   bootstrap: Bootstrap(seed: info.seed))
                let elapsed = ContinuousClock.now - started
                if options.json {
                    try Terminal.printJSON(["run": info.id, "report": paths.html.path])
                    return
                }
                Terminal.message("report: \(paths.html.path) (rendered in \(elapsed.formatted(.units(allowed: [.seconds, .milliseconds], width: .narrow))))")
            }
        }
    }
}

/// One run in `runs list --json`.
struct RunJSON: Encodable {
    var id: String
    var started_at: String
    var status: String
    var suite_hash: String
    var conversations: Int
    var turns: Int
    var fingerprints: [String: String]
    var baseline: String?
    var metrics: [String: MetricJSON]

    init(run: RunInfo, metrics: [String: MetricValue]) {
        id = run.id
        started_at = run.startedAt.formatted(Date.ISO8601FormatStyle())
        status = run.status.rawValue
        suite_hash = run.suiteHash
        conversations = run.conversationCount
        turns = run.turnCount
        fingerprints = run.fingerprints
        baseline = run.baselineRun
        self.metrics = MetricJSON.map(metrics)
    }
}

/// `runs show RUN --json`: the run's metrics plus every turn.
struct RunDetailJSON: Encodable {
    var run: String
    var info: RunJSON
    var metrics: [String: MetricJSON]
    var gates: [GateResult]
    var turns: [TurnJSON]

    init(run: RunInfo, metrics: [String: MetricValue], gates: [GateResult], turns: [TurnRecord]) {
        self.run = run.id
        info = RunJSON(run: run, metrics: metrics)
        self.metrics = MetricJSON.map(metrics)
        self.gates = gates
        self.turns = turns.map(TurnJSON.init)
    }
}

struct TurnJSON: Encodable {
    struct Expected: Encodable {
        var intent: String?
        var category: String?
        var docs: [String]?
        var escalate: Bool?
    }

    struct Predicted: Encodable {
        var intent: String
        var confidence: Double
        var category: String?
        var docs: [String]
        var escalate: Bool
        var escalation_reasons: [String]
    }

    var conversation: String
    var turn: Int
    var user: String
    var expected: Expected
    var predicted: Predicted?
    var status: String
    var error: String?
    var latency_ms: Double

    init(_ record: TurnRecord) {
        conversation = record.conversationId
        turn = record.turnIndex
        user = record.user
        expected = Expected(intent: record.expected.intent, category: record.expected.category, docs: record.expected.docs,
                            escalate: record.expected.escalate)
        predicted = record.prediction.map {
            Predicted(intent: $0.intent, confidence: $0.confidence, category: $0.category, docs: $0.rankedDocIds, escalate: $0.escalated,
                      escalation_reasons: $0.escalationReasons)
        }
        status = record.status.rawValue
        error = record.error
        latency_ms = record.latencyMs
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(conversation, forKey: .conversation)
        try container.encode(turn, forKey: .turn)
        try container.encode(user, forKey: .user)
        try container.encode(expected, forKey: .expected)
        try container.encode(predicted, forKey: .predicted)   // null when unmeasured
        try container.encode(status, forKey: .status)
        try container.encode(error, forKey: .error)
        try container.encode(latency_ms, forKey: .latency_ms)
    }

    enum CodingKeys: String, CodingKey { case conversation, turn, user, expected, predicted, status, error, latency_ms }
}

struct CompareJSON: Encodable {
    var baseline: String
    var run: String
    var paired_turns: Int
    var paired_conversations: Int
    var deltas: [String: DeltaJSON]
    var warnings: [String]
    var changes: [String]

    init(baseline: String, run: String, comparison: BaselineComparison) {
        self.baseline = baseline
        self.run = run
        paired_turns = comparison.pairedTurns
        paired_conversations = comparison.pairedConversations
        deltas = DeltaJSON.map(comparison)
        warnings = comparison.warnings
        changes = comparison.changes
    }
}
